// `pnpm bench:soak`: the distributed stack (seven services + the Binance simulator, as stackUp runs
// them) at the full universe for --minutes (30) on a private broker, sampled every --sample-seconds
// (10): per service VmRSS, heap used and event-loop delay (prom-client's default metrics on its ops
// port), consumer lag per group (committed vs end offsets), per-topic disk (the private broker's
// log segments) and records/s (end-offset deltas). Over [--warmup-minutes (15), --minutes] it fits
// least-squares slopes and checks the acceptance of issue 13: RSS slope ≤ 5 MB per 10 min per
// service, lag bounded, disk per topic within 20 % of docs/sizing.md. The warm-up is psych's short
// window (15 min): until it is full, psych's memory grows by design.
//
// --kill: after the measured window, a kill phase SIGKILLs each service in turn, one per
// --kill-slot-seconds (60), restarts it (same env and port, as stackUp would) and times kill →
// replacement /readyz 200 (acceptance ≤ 10 s). Kills stay out of the measured window: a
// replacement warms up again, and its growth is not a slope of the service.
// Throughout the soak a checker reads unified-market (plain kafkajs consumer + registry decode) and
// polls the Redis snapshots, and counts any per-symbol, per-section eventTime that moves backwards.
//
// Kafka: a private broker (MARKETPIPE_INFRA_DIR=.infra/bench-soak, port 19192, controller 19193;
// stopped and removed at the end) so the topics' disk is the soak's own and the shared broker is
// untouched. Registry and Redis are the shared infra:up ones; the consolidator writes to Redis db 12.
//
// Flags: --minutes 30  --warmup-minutes 15  --sample-seconds 10  --universe full|default  --kill
//        --kill-slot-seconds 60  --settle-minutes 2 (a replacement's own warm-up, left out of its slope,
//        for a service that dies inside the window)  --redis-poll-ms 2000
//        --report soak (reports/bench/<name>.json)
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../infra/lib/config.ts';
import { infraDown, infraUp } from '../infra/lib/infra.ts';
import { isAlive, writePid } from '../infra/lib/proc.ts';
import { STACK_SERVICES, stackDown, stackUp, type StackService } from '../infra/lib/stack.ts';
import {
  BackwardsTracker,
  MB,
  MINUTE,
  PROM,
  compareDisk,
  fitSegments,
  groupLag,
  killSchedule,
  lagVerdict,
  leastSquaresSlope,
  metric,
  parsePrometheus,
  parseSizingTable,
  parseVmRss,
  per10Min,
  pooledSlope,
  topicOfLogDir,
  type PartitionOffset,
  type Point,
  type ProcessSample,
} from './lib/soak/soak.ts';
import { writeReport } from './lib/report.ts';
import type * as KafkaJs from 'kafkajs';
import type * as RegistryLib from '@kafkajs/confluent-schema-registry';
import type * as IoRedis from 'ioredis';
import type * as ContractsModule from '../libs/contracts/src/index.ts';
import { flag } from './lib/flag.ts';

const ROOT = join(import.meta.dirname, '..');
const require = createRequire(join(ROOT, 'package.json'));
const { Kafka, logLevel } = require('kafkajs') as typeof KafkaJs;
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry') as typeof RegistryLib;
const { Redis } = require('ioredis') as typeof IoRedis;
const contracts = require(join(ROOT, 'libs/contracts/dist/index.js')) as typeof ContractsModule;

const PRIVATE_INFRA_DIR = '.infra/bench-soak';
const PRIVATE_KAFKA_PORT = '19192';
const REDIS_DB = 12;
const BASE_PORT = 19_281; // simulator on 19280, services 19281..19287
const RSS_LIMIT_MB_PER_10_MIN = 5;
const READY_LIMIT_S = 10;
const BENCH_GROUP_PREFIX = 'bench-soak';
const SAMPLE_RECORDS_PER_PARTITION = 200;

/** As bench/e2e.ts: every spot symbol, perpetual and option underlying; the kline backfill cut to 1 h. */
const UNIVERSE_ENV: Record<'default' | 'full', Record<string, string>> = {
  default: {},
  full: { SPOT_SYMBOLS: 'ALL', FUTURES_SYMBOLS: 'ALL', OPTIONS_UNDERLYINGS: 'ALL', SPOT_KLINES: '1m:60' },
};

const log = (line: string): void =>
  void process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

// ---------------------------------------------------------------- flags

interface Flags {
  durationMs: number;
  warmupMs: number;
  sampleMs: number;
  universe: 'default' | 'full';
  kill: boolean;
  killSlotMs: number;
  settleMs: number;
  redisPollMs: number;
  report: string;
}

function positive(name: string, fallback: string, allowZero = false): number {
  const v = Number(flag(name, fallback));
  if (!Number.isFinite(v) || v < 0 || (v === 0 && !allowZero)) throw new Error(`--${name} must be a positive number`);
  return v;
}

function parseFlags(): Flags {
  const universe = flag('universe', 'full');
  if (universe !== 'full' && universe !== 'default') throw new Error('--universe must be full or default');
  const f: Flags = {
    durationMs: positive('minutes', '30') * MINUTE,
    warmupMs: positive('warmup-minutes', '15', true) * MINUTE,
    sampleMs: positive('sample-seconds', '10') * 1000,
    universe,
    kill: process.argv.includes('--kill'),
    killSlotMs: positive('kill-slot-seconds', '60') * 1000,
    settleMs: positive('settle-minutes', '2', true) * MINUTE,
    redisPollMs: positive('redis-poll-ms', '2000'),
    report: flag('report', 'soak'),
  };
  if (f.warmupMs >= f.durationMs) throw new Error('--warmup-minutes must be shorter than --minutes');
  return f;
}

// ---------------------------------------------------------------- processes

interface Proc {
  name: StackService;
  pid: number;
  url: string;
  logFile: string;
  startedAt: number;
}

function rssOf(pid: number): number | null {
  try {
    return parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

/** The env stackUp gives a service (its own env + OPS_HOST, partitions and the simulator's URLs). */
function serviceEnv(base: Record<string, string>, simUrl: string, port: number): Record<string, string> {
  const ws = simUrl.replace(/^http/, 'ws');
  return {
    ...base,
    OPS_HOST: '127.0.0.1',
    KAFKA_TOPIC_PARTITIONS: base['KAFKA_TOPIC_PARTITIONS'] ?? '3',
    BINANCE_SPOT_URL: simUrl,
    BINANCE_FUTURES_URL: simUrl,
    BINANCE_OPTIONS_URL: simUrl,
    BINANCE_SPOT_WS_URL: ws,
    BINANCE_FUTURES_WS_URL: ws,
    BINANCE_OPTIONS_WS_URL: ws,
    OPS_PORT: String(port),
  };
}

/** Starts a replacement as stackUp's start() does: detached, log appended, pid file rewritten. */
function respawn(p: Proc, env: Record<string, string>): Proc {
  const fd = openSync(p.logFile, 'a');
  try {
    const child = spawn(process.execPath, [join(ROOT, 'services', p.name, 'dist', 'main.js')], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env },
    });
    child.unref();
    const pid = child.pid ?? -1;
    writePid(join(ROOT, '.infra', 'run', `stack-${p.name}.pid`), pid);
    return { ...p, pid, startedAt: Date.now() };
  } finally {
    closeSync(fd);
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- sampling

interface ServiceSample {
  t: number;
  pid: number;
  rssBytes: number | null;
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  loopP99Ms: number | null;
  loopMaxMs: number | null;
  loopMeanMs: number | null;
}

interface KafkaSample {
  t: number;
  /** topic → Σ high over partitions */
  ends: Record<string, number>;
  /** topic → Σ (high − low) */
  held: Record<string, number>;
  /** group → lag (records) */
  lag: Record<string, number>;
  /** group → topics it has committed offsets on */
  groupTopics: Record<string, string[]>;
  /** group → members now (a one-off reader's group, e.g. capture-spot's resume read, stays Empty) */
  members: Record<string, number>;
}

interface DiskSample {
  t: number;
  /** topic → Σ .log segment bytes over partitions */
  logBytes: Record<string, number>;
  /** topic → allocated bytes of every file in its partition dirs (du) */
  duBytes: Record<string, number>;
}

async function sampleService(p: Proc, t: number): Promise<ServiceSample> {
  const rssBytes = rssOf(p.pid);
  let prom: ReturnType<typeof parsePrometheus> = [];
  try {
    const res = await fetch(`${p.url}/metrics`, { signal: AbortSignal.timeout(3_000) });
    if (res.status === 200) prom = parsePrometheus(await res.text());
  } catch {
    // a service being replaced answers nothing: its sample has no metrics
  }
  const ms = (v: number | undefined): number | null => (v === undefined ? null : Math.round(v * 1e6) / 1e3);
  return {
    t,
    pid: p.pid,
    rssBytes,
    heapUsedBytes: metric(prom, PROM.heapUsed) ?? null,
    heapTotalBytes: metric(prom, PROM.heapTotal) ?? null,
    loopP99Ms: ms(metric(prom, PROM.loopP99)),
    loopMaxMs: ms(metric(prom, PROM.loopMax)),
    loopMeanMs: ms(metric(prom, PROM.loopMean)),
  };
}

async function sampleKafka(admin: KafkaJs.Admin, t: number): Promise<KafkaSample> {
  const topics = (await admin.listTopics()).filter((x) => !x.startsWith('__'));
  const ends: Record<string, number> = {};
  const held: Record<string, number> = {};
  const offsets = new Map<string, { low: number; high: number }>();
  for (const topic of topics) {
    const parts = await admin.fetchTopicOffsets(topic);
    ends[topic] = 0;
    held[topic] = 0;
    for (const p of parts) {
      const low = Number(p.low);
      const high = Number(p.high);
      offsets.set(`${topic}:${p.partition}`, { low, high });
      ends[topic] += high;
      held[topic] += high - low;
    }
  }
  const lag: Record<string, number> = {};
  const groupTopics: Record<string, string[]> = {};
  const { groups } = await admin.listGroups();
  const ids = groups.map((g) => g.groupId).filter((g) => !g.startsWith(BENCH_GROUP_PREFIX));
  const members: Record<string, number> = {};
  if (ids.length > 0) for (const d of (await admin.describeGroups(ids)).groups) members[d.groupId] = d.members.length;
  for (const groupId of ids) {
    const fetched = await admin.fetchOffsets({ groupId });
    const committed: PartitionOffset[] = fetched.flatMap(({ topic, partitions }) =>
      partitions.map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })),
    );
    groupTopics[groupId] = fetched.filter((f) => f.partitions.some((p) => Number(p.offset) >= 0)).map((f) => f.topic);
    lag[groupId] = groupLag(
      committed.filter((c) => (groupTopics[groupId] as string[]).includes(c.topic)),
      offsets,
    );
  }
  return { t, ends, held, lag, groupTopics, members };
}

function sampleDisk(dataDir: string, t: number): DiskSample {
  const logBytes: Record<string, number> = {};
  const duBytes: Record<string, number> = {};
  if (!existsSync(dataDir)) return { t, logBytes, duBytes };
  for (const e of readdirSync(dataDir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const topic = topicOfLogDir(e.name);
    if (topic === null || topic.startsWith('__')) continue;
    const dir = join(dataDir, e.name);
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue; // deleted between the listing and now
    }
    for (const f of files) {
      try {
        const st = statSync(join(dir, f));
        duBytes[topic] = (duBytes[topic] ?? 0) + st.blocks * 512;
        if (f.endsWith('.log')) logBytes[topic] = (logBytes[topic] ?? 0) + st.size;
      } catch {
        // a segment removed by the cleaner meanwhile
      }
    }
  }
  return { t, logBytes, duBytes };
}

/** Mean key + value bytes of the newest records of each topic (a throwaway group seeks to high − N). */
async function sampleRecordSizes(kafka: KafkaJs.Kafka, admin: KafkaJs.Admin, topics: string[]) {
  const sizes: Record<string, { records: number; bytes: number }> = {};
  const targets = new Map<string, number>();
  const seeks: { topic: string; partition: number; offset: string }[] = [];
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const high = Number(p.high);
      const low = Number(p.low);
      if (high <= low) continue;
      targets.set(`${topic}:${p.partition}`, high);
      seeks.push({ topic, partition: p.partition, offset: String(Math.max(low, high - SAMPLE_RECORDS_PER_PARTITION)) });
    }
  }
  if (seeks.length === 0) return sizes;
  const consumer = kafka.consumer({ groupId: `${BENCH_GROUP_PREFIX}-sizes-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: false });
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const key = `${topic}:${partition}`;
        const target = targets.get(key);
        if (target === undefined) return;
        const s = (sizes[topic] ??= { records: 0, bytes: 0 });
        s.records++;
        s.bytes += (message.key?.length ?? 0) + (message.value?.length ?? 0);
        if (Number(message.offset) + 1 >= target) {
          targets.delete(key);
          if (targets.size === 0) done();
        }
      },
    });
    for (const s of seeks) consumer.seek(s);
    await Promise.race([finished, sleep(30_000)]);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return sizes;
}

// ---------------------------------------------------------------- checker

interface Checker {
  tracker: BackwardsTracker;
  unifiedRecords: number;
  unifiedBytes: number;
  redisPolls: number;
  redisSnapshots: number;
  decodeErrors: number;
  stop: () => Promise<void>;
}

async function startChecker(kafka: KafkaJs.Kafka, registryUrl: string, redisUrl: string, pollMs: number) {
  const tracker = new BackwardsTracker();
  const c: Checker = {
    tracker,
    unifiedRecords: 0,
    unifiedBytes: 0,
    redisPolls: 0,
    redisSnapshots: 0,
    decodeErrors: 0,
    stop: async () => undefined,
  };
  const registry = new SchemaRegistry({ host: registryUrl });
  const consumer = kafka.consumer({ groupId: `${BENCH_GROUP_PREFIX}-check-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: contracts.TOPICS.unified, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value === null) return;
      c.unifiedRecords++;
      c.unifiedBytes += (message.key?.length ?? 0) + message.value.length;
      try {
        const u = (await registry.decode(message.value)) as { symbol?: string };
        tracker.observe('unified-market', message.key?.toString() ?? u.symbol ?? '', u);
      } catch {
        c.decodeErrors++;
      }
    },
  });
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
  let running = true;
  const poller = (async () => {
    while (running) {
      const started = Date.now();
      try {
        const symbols = await redis.smembers('marketpipe:symbols');
        for (let i = 0; i < symbols.length; i += 500) {
          const chunk = symbols.slice(i, i + 500);
          const values = await redis.mget(...chunk.map((s) => `marketpipe:unified:${s}`));
          const at = Date.now();
          values.forEach((v, j) => {
            if (v === null) return;
            c.redisSnapshots++;
            tracker.observe('redis', chunk[j] as string, JSON.parse(v) as unknown, at);
          });
        }
        c.redisPolls++;
      } catch (err) {
        log(`redis poll: ${(err as Error).message}`);
      }
      await sleep(Math.max(0, pollMs - (Date.now() - started)));
    }
  })();
  c.stop = async () => {
    running = false;
    await poller;
    redis.disconnect();
    await consumer.disconnect().catch(() => undefined);
  };
  return c;
}

// ---------------------------------------------------------------- kills

interface KillResult {
  service: StackService;
  plannedAtMinute: number;
  killedAt: string;
  oldPid: number;
  newPid: number;
  /** SIGKILL → replacement's first /readyz 200. */
  killToReadySeconds: number | null;
  /** Replacement spawn → /readyz 200. */
  spawnToReadySeconds: number | null;
  withinLimit: boolean;
  error?: string;
}

async function killAndReplace(
  procs: Map<StackService, Proc>,
  name: StackService,
  env: Record<string, string>,
  plannedAtMinute: number,
): Promise<KillResult> {
  const old = procs.get(name) as Proc;
  const killed = Date.now();
  process.kill(old.pid, 'SIGKILL');
  for (let i = 0; i < 100 && isAlive(old.pid); i++) await sleep(20);
  const next = respawn(old, env);
  procs.set(name, next);
  const deadline = killed + 120_000;
  let readyAt: number | undefined;
  while (Date.now() < deadline) {
    if (!isAlive(next.pid)) break;
    if (await ready(next.url)) {
      readyAt = Date.now();
      break;
    }
    await sleep(100);
  }
  const r = (ms: number): number => Math.round(ms) / 1000;
  const result: KillResult = {
    service: name,
    plannedAtMinute,
    killedAt: new Date(killed).toISOString(),
    oldPid: old.pid,
    newPid: next.pid,
    killToReadySeconds: readyAt === undefined ? null : r(readyAt - killed),
    spawnToReadySeconds: readyAt === undefined ? null : r(readyAt - next.startedAt),
    withinLimit: readyAt !== undefined && readyAt - killed <= READY_LIMIT_S * 1000,
  };
  if (readyAt === undefined)
    result.error = isAlive(next.pid) ? 'not ready within 120 s' : `replacement exited; see ${next.logFile}`;
  return result;
}

// ---------------------------------------------------------------- analysis

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

function analyseService(samples: ServiceSample[], from: number, settleMs: number) {
  const series = (pick: (s: ServiceSample) => number | null): ProcessSample[] =>
    samples.flatMap((s) => {
      const y = pick(s);
      return y === null ? [] : [{ t: s.t, pid: s.pid, y }];
    });
  const rss = series((s) => s.rssBytes);
  const heap = series((s) => s.heapUsedBytes);
  const rssSegs = fitSegments(rss, from, settleMs);
  const heapSegs = fitSegments(heap, from, settleMs);
  const after = samples.filter((s) => s.t >= from);
  const vals = (pick: (s: ServiceSample) => number | null): number[] =>
    after.map(pick).filter((v): v is number => v !== null);
  const max = (xs: number[]): number | null => (xs.length === 0 ? null : Math.max(...xs));
  const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  const rssSlope = per10Min(pooledSlope(rssSegs), MB);
  const last = rss[rss.length - 1];
  return {
    pids: [...new Set(samples.map((s) => s.pid))],
    rssMb: {
      first: rss[0] === undefined ? null : round(rss[0].y / MB),
      last: last === undefined ? null : round(last.y / MB),
      maxAfterWarmup: (() => {
        const m = max(vals((s) => s.rssBytes));
        return m === null ? null : round(m / MB);
      })(),
      slopePer10Min: rssSlope,
      /** Each pid's own slope (MB / 10 min) and how many samples it was fitted on. */
      segments: rssSegs.map((seg) => ({
        from: new Date((seg[0] as Point).t).toISOString(),
        samples: seg.length,
        slopePer10Min: per10Min(leastSquaresSlope(seg), MB),
      })),
    },
    heapUsedMb: {
      last: heap.length === 0 ? null : round((heap[heap.length - 1] as ProcessSample).y / MB),
      slopePer10Min: per10Min(pooledSlope(heapSegs), MB),
    },
    eventLoopDelayMs: {
      meanOfP99: (() => {
        const m = mean(vals((s) => s.loopP99Ms));
        return m === null ? null : round(m, 2);
      })(),
      maxOfP99: max(vals((s) => s.loopP99Ms)),
      max: max(vals((s) => s.loopMaxMs)),
    },
    rssWithinLimit: rssSlope === null ? null : rssSlope <= RSS_LIMIT_MB_PER_10_MIN,
  };
}

function ratesAfter(kafkaSamples: KafkaSample[], from: number): Record<string, number> {
  const after = kafkaSamples.filter((s) => s.t >= from);
  const a = after[0];
  const b = after[after.length - 1];
  const out: Record<string, number> = {};
  if (a === undefined || b === undefined || b.t <= a.t) return out;
  for (const topic of Object.keys(b.ends))
    out[topic] = ((b.ends[topic] ?? 0) - (a.ends[topic] ?? 0)) / ((b.t - a.t) / 1000);
  return out;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const f = parseFlags();
  const shared = await infraUp({ root: ROOT, components: ['registry', 'redis'] });
  const privateEnv = {
    ...process.env,
    MARKETPIPE_INFRA_DIR: PRIVATE_INFRA_DIR,
    MARKETPIPE_KAFKA_PORT: PRIVATE_KAFKA_PORT,
  };
  const cfg = loadConfig(ROOT, privateEnv);
  // The Kafka jars: the checkout's own (.infra/kafka/libs), linked rather than fetched again.
  if (!existsSync(cfg.paths.kafkaLibs)) {
    mkdirSync(cfg.paths.kafkaDir, { recursive: true });
    symlinkSync(realpathSync(join(ROOT, '.infra', 'kafka', 'libs')), cfg.paths.kafkaLibs);
  }
  const up = await infraUp({ root: ROOT, env: privateEnv, components: ['kafka'] });
  const brokers = up.env['KAFKA_BROKERS'] ?? '';
  const registryUrl = shared.env['SCHEMA_REGISTRY_URL'] ?? '';
  const redisUrl = `${shared.env['REDIS_URL'] ?? ''}/${REDIS_DB}`;
  const dataDir = cfg.paths.kafkaData;
  const base: Record<string, string> = {
    KAFKA_BROKERS: brokers,
    SCHEMA_REGISTRY_URL: registryUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    ...UNIVERSE_ENV[f.universe],
  };
  log(`kafka ${brokers} (private, ${dataDir}), registry ${registryUrl}, redis ${redisUrl}`);

  const kafka = new Kafka({ clientId: 'bench-soak', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // Redis db 12 is the soak's: start it without an earlier run's snapshots.
  const redis = new Redis(redisUrl);
  const stale = await redis.keys('marketpipe:*');
  if (stale.length > 0) await redis.del(...stale);
  redis.disconnect();

  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    log('interrupted: stopping');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const serviceSamples = new Map<StackService, ServiceSample[]>(STACK_SERVICES.map((s) => [s, []]));
  const simSamples: { t: number; rssBytes: number | null }[] = [];
  const kafkaSamples: KafkaSample[] = [];
  const diskSamples: DiskSample[] = [];
  const kills: KillResult[] = [];
  let checker: Checker | undefined;
  let sizes: Record<string, { records: number; bytes: number }> | undefined;
  let measuredEnd = 0;
  let startedAt = 0;
  let stackReadySeconds: number | undefined;
  let endedAt: number | undefined;
  let simPid = -1;
  const procs = new Map<StackService, Proc>();
  const recordSizes = async (): Promise<Record<string, { records: number; bytes: number }>> => {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    return sampleRecordSizes(kafka, admin, topics).catch((err: unknown) => {
      log(`record sizes: ${(err as Error).message}`);
      return {};
    });
  };
  const simUrl = `http://127.0.0.1:${BASE_PORT - 1}`;
  try {
    await stackDown(ROOT, log);
    const t0 = Date.now();
    const started = await stackUp({ root: ROOT, env: base, sim: true, universe: f.universe, basePort: BASE_PORT, log });
    stackReadySeconds = (Date.now() - t0) / 1000;
    log(`stack ready in ${stackReadySeconds.toFixed(1)} s (${f.universe} universe)`);
    for (const p of started) {
      if (p.name === 'binance-sim') simPid = p.pid;
      else
        procs.set(p.name as StackService, {
          ...(p as Omit<Proc, 'startedAt'>),
          name: p.name as StackService,
          startedAt: t0,
        });
    }
    checker = await startChecker(kafka, registryUrl, redisUrl, f.redisPollMs);
    startedAt = Date.now();
    const end = startedAt + f.durationMs;
    const killEnd = f.kill ? end + STACK_SERVICES.length * f.killSlotMs : end;
    const schedule = f.kill ? killSchedule(STACK_SERVICES, end, killEnd) : [];
    log(
      `measuring from +${f.warmupMs / MINUTE} to +${f.durationMs / MINUTE} min${f.kill ? ', then the kill phase' : ''}`,
    );
    for (const k of schedule) log(`kill ${k.service} at +${((k.at - startedAt) / MINUTE).toFixed(1)} min`);

    let killing: Promise<void> = Promise.resolve();
    const pendingKills = [...schedule];
    let nextSample = startedAt;
    let lastLog = 0;
    while (!interrupted && Date.now() < killEnd) {
      const due = pendingKills[0];
      if (due !== undefined && Date.now() >= due.at) {
        pendingKills.shift();
        const port = BASE_PORT + STACK_SERVICES.indexOf(due.service);
        const env = serviceEnv(base, simUrl, port);
        const minute = round((due.at - startedAt) / MINUTE, 2);
        killing = killing.then(async () => {
          const r = await killAndReplace(procs, due.service, env, minute);
          kills.push(r);
          log(
            `killed ${r.service} (pid ${r.oldPid}) → ${r.newPid}: ready ${r.killToReadySeconds ?? '-'} s after the kill${r.error === undefined ? '' : ` (${r.error})`}`,
          );
        });
      }
      // Bytes per record at the end of the measured window, before the kill phase.
      if (sizes === undefined && Date.now() >= end) sizes = await recordSizes();
      if (Date.now() >= nextSample) {
        const t = Date.now();
        nextSample += f.sampleMs;
        const [svc, k] = await Promise.all([
          Promise.all([...procs.values()].map((p) => sampleService(p, t))),
          sampleKafka(admin, t).catch((err: unknown) => {
            log(`kafka sample: ${(err as Error).message}`);
            return undefined;
          }),
        ]);
        for (const s of svc) {
          const name = [...procs.values()].find((p) => p.pid === s.pid)?.name;
          if (name !== undefined) serviceSamples.get(name)?.push(s);
        }
        simSamples.push({ t, rssBytes: rssOf(simPid) });
        if (k !== undefined) kafkaSamples.push(k);
        diskSamples.push(sampleDisk(dataDir, t));
        if (t - lastLog >= MINUTE) {
          lastLog = t;
          const rss = svc.map(
            (s, i) => `${[...procs.keys()][i]?.replace('capture-', 'c-')} ${round((s.rssBytes ?? 0) / MB, 0)}`,
          );
          const lag =
            k === undefined
              ? ''
              : Object.entries(k.lag)
                  .map(([g, v]) => `${g} ${v}`)
                  .join(', ');
          log(
            `+${((t - startedAt) / MINUTE).toFixed(1)} min  RSS MB: ${rss.join(', ')}  lag: ${lag}  unified ${checker.unifiedRecords}, backwards ${checker.tracker.total()}`,
          );
        }
      }
      await sleep(Math.max(10, Math.min(nextSample, pendingKills[0]?.at ?? Infinity) - Date.now()));
    }
    await killing;
    endedAt = Date.now();
    measuredEnd = Math.min(end, endedAt);
    sizes ??= await recordSizes();
  } finally {
    await checker?.stop().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await stackDown(ROOT, log);
    await infraDown({ root: ROOT, env: privateEnv, components: ['kafka'], purge: true });
    rmSync(cfg.paths.infraDir, { recursive: true, force: true });
  }
  if (checker === undefined || startedAt === 0 || endedAt === undefined) throw new Error('the stack never came up');
  const ranMs = endedAt - startedAt;

  // ---------------------------------------------------------------- report
  const from = startedAt + f.warmupMs;
  // The measured window ends where the kill phase starts; the backwards check covers both.
  const inWindow = <T extends { t: number }>(xs: T[]): T[] => xs.filter((x) => x.t <= measuredEnd);
  const measuredKafka = inWindow(kafkaSamples);
  const measuredDisk = inWindow(diskSamples);
  const killPhaseLag: Record<string, number> = {};
  for (const k of kafkaSamples.filter((x) => x.t > measuredEnd))
    for (const [g, v] of Object.entries(k.lag)) killPhaseLag[g] = Math.max(killPhaseLag[g] ?? 0, v);
  const services = Object.fromEntries(
    STACK_SERVICES.map((s) => [s, analyseService(inWindow(serviceSamples.get(s) ?? []), from, f.settleMs)]),
  );
  const rates = ratesAfter(measuredKafka, from);
  const lastKafka = measuredKafka[measuredKafka.length - 1];
  const firstKafka = measuredKafka[0];
  const post = measuredKafka.filter((s) => s.t >= from);
  const allGroups = Object.keys(lastKafka?.lag ?? {}).sort();
  // Judged: the groups that had a member in most samples after the warm-up (the services' own);
  // a one-off reader's group (capture-spot's resume read) keeps its committed offsets, no member.
  const live = (g: string): boolean => post.filter((s) => (s.members[g] ?? 0) > 0).length * 2 > post.length;
  const groups = allGroups.filter(live);
  const otherGroups = allGroups.filter((g) => !live(g));
  const lag = Object.fromEntries(
    groups.map((g) => {
      const points = measuredKafka
        .filter((s) => s.t >= from && s.lag[g] !== undefined)
        .map((s) => ({ t: s.t, y: s.lag[g] as number }));
      const input = (lastKafka?.groupTopics[g] ?? []).reduce((a, t) => a + (rates[t] ?? 0), 0);
      return [
        g,
        { topics: lastKafka?.groupTopics[g] ?? [], inputPerSecond: round(input), ...lagVerdict(points, input) },
      ];
    }),
  );
  const sizingRows = parseSizingTable(readFileSync(join(ROOT, 'docs', 'sizing.md'), 'utf8'));
  const lastDisk = measuredDisk[measuredDisk.length - 1];
  const diskTopics = Object.keys(lastDisk?.logBytes ?? {}).sort();
  const diskSeries = (topic: string): Point[] =>
    measuredDisk.filter((s) => s.t >= from).map((s) => ({ t: s.t, y: s.logBytes[topic] ?? 0 }));
  const disk = diskTopics.map((topic) => {
    const policy = (contracts.TOPIC_POLICY as Record<string, { cleanupPolicy: string } | undefined>)[topic];
    const size = sizes?.[topic];
    const series = diskSeries(topic);
    const comparison = compareDisk(
      {
        topic,
        cleanupPolicy: policy?.cleanupPolicy ?? 'delete',
        diskBytes: lastDisk?.logBytes[topic] ?? 0,
        meanDiskBytes: series.length === 0 ? 0 : Math.round(series.reduce((a, p) => a + p.y, 0) / series.length),
        recordsHeld: lastKafka?.held[topic] ?? 0,
        recordsWritten: (lastKafka?.ends[topic] ?? 0) - (firstKafka?.ends[topic] ?? 0),
        ratePerSecond: rates[topic] ?? 0,
        sampledBytesPerRecord: size === undefined || size.records === 0 ? null : size.bytes / size.records,
      },
      sizingRows.find((r) => r.topic === topic),
    );
    return {
      ...comparison,
      cleanupPolicy: policy?.cleanupPolicy ?? 'unknown (DLQ or not a contract topic)',
      duBytes: lastDisk?.duBytes[topic] ?? 0,
      endBytes: lastDisk?.logBytes[topic] ?? 0,
      maxBytesAfterWarmup: series.length === 0 ? 0 : Math.max(...series.map((p) => p.y)),
      bytesPerSecondAfterWarmup: (() => {
        const s = leastSquaresSlope(series);
        return s === null ? null : round(s * 1000, 0);
      })(),
      recordsPerSecond: round(rates[topic] ?? 0),
      recordsHeld: lastKafka?.held[topic] ?? 0,
    };
  });
  const tracker = checker.tracker;
  const acceptance = {
    rssSlope: {
      limitMbPer10Min: RSS_LIMIT_MB_PER_10_MIN,
      pass: Object.values(services).every((s) => s.rssWithinLimit === true),
      failing: Object.entries(services)
        .filter(([, s]) => s.rssWithinLimit !== true)
        .map(([n, s]) => `${n} ${s.rssMb.slopePer10Min ?? 'n/a'} MB/10 min`),
    },
    lagBounded: {
      pass: Object.values(lag).every((l) => l.bounded === true),
      failing: Object.entries(lag)
        .filter(([, l]) => l.bounded !== true)
        .map(([g, l]) => `${g}: minima rise ${l.minimaRise} ≥ ${l.limit}`),
    },
    diskWithinSizing: {
      tolerance: '±20 %',
      pass: disk.every((d) => d.withinTolerance !== false),
      compared: disk.filter((d) => d.withinTolerance !== null).map((d) => d.topic),
      failing: disk.filter((d) => d.withinTolerance === false).map((d) => `${d.topic} ×${d.ratio}`),
      notDocumented: disk.filter((d) => d.withinTolerance === null && d.measuredBytes > 0).map((d) => d.topic),
    },
    ...(f.kill
      ? {
          killReady: {
            limitSeconds: READY_LIMIT_S,
            pass: kills.length === STACK_SERVICES.length && kills.every((k) => k.withinLimit),
            failing: kills
              .filter((k) => !k.withinLimit)
              .map((k) => `${k.service} ${k.killToReadySeconds ?? 'never'} s`),
          },
        }
      : {}),
    noBackwards: {
      pass: tracker.total() === 0,
      unifiedMarket: tracker.total('unified-market'),
      redis: tracker.total('redis'),
    },
  };

  const file = writeReport(f.report, {
    method: {
      universe: `${f.universe} (simulator), services env ${JSON.stringify(UNIVERSE_ENV[f.universe])}`,
      durationMinutes: f.durationMs / MINUTE,
      actualMinutes: round(ranMs / MINUTE, 2),
      warmupMinutes: f.warmupMs / MINUTE,
      sampleSeconds: f.sampleMs / 1000,
      kill: f.kill,
      stack: `stackUp (infra/lib/stack.ts): the seven services + binance-sim as processes, LOG_LEVEL=warn, ops ports ${BASE_PORT}..${BASE_PORT + 6}`,
      kafka: `private broker (infra:up's Kafka, MARKETPIPE_INFRA_DIR=${PRIVATE_INFRA_DIR}, port ${PRIVATE_KAFKA_PORT}), removed at the end; registry and Redis (db ${REDIS_DB}) shared`,
      measuredWindow: `slopes, lag verdicts and disk over [+${f.warmupMs / MINUTE}, +${round((measuredEnd - startedAt) / MINUTE, 2)}] min${f.kill ? `; then the kill phase, one service per ${f.killSlotMs / 1000} s (its lag peaks: killPhaseLagMax)` : ''}; the backwards check runs throughout`,
      rss: 'VmRSS of /proc/<pid>/status; slope = least squares over the measured window, one intercept per process (a replacement starts a new segment and loses its first --settle-minutes)',
      settleMinutes: f.settleMs / MINUTE,
      heapAndLoop: `prom-client default metrics on /metrics: ${PROM.heapUsed}, ${PROM.loopP99} and ${PROM.loopMax} (monitorEventLoopDelay, reset at each scrape)`,
      lag: 'per consumer group: Σ over the partitions it has committed offsets on of (high watermark − committed offset); bounded = the least-squares line through each minute’s smallest lag rises by less than 10 s of the group’s input (records/s of its topics × 10) over the post-warm-up window',
      disk: 'Σ of the .log segment sizes of the topic’s partition dirs (duBytes: allocated bytes of every file, indexes included); records/s = end-offset deltas after the warm-up; bytes/record = mean key + value of the newest ≤ 200 records per partition at the end',
      sizing:
        'docs/sizing.md table. Latest-state topics: time-mean disk over the measured window vs the documented live mean (rateScaled: the model of compactedDiskModel at the measured rate). Delete-only topics: disk at the end vs documented bytes/record × 1.07 × records held. writtenBytesModel: bytes/record × 1.07 × records written (the uncompacted figure). ±20 %',
      backwards: `a consumer of unified-market from its start (registry decode) and a poll of every Redis snapshot every ${f.redisPollMs} ms; per symbol and section (record eventTime, spot, futures, options, quantum, psych, srona) a value lower than the newest seen before counts once`,
    },
    startedAt: new Date(startedAt).toISOString(),
    stackReadySeconds,
    acceptance,
    services,
    simulator: {
      rssMbLast: simSamples.length === 0 ? null : round((simSamples[simSamples.length - 1]?.rssBytes ?? 0) / MB),
    },
    lag,
    ...(f.kill ? { killPhaseLagMax: killPhaseLag } : {}),
    lagOtherGroups: {
      note: 'groups without a member in most samples (one-off readers): not judged',
      groups: otherGroups,
    },
    topics: disk,
    kills,
    backwards: {
      total: tracker.total(),
      bySection: Object.fromEntries(tracker.counts),
      observations: Object.fromEntries(tracker.observations),
      examples: tracker.examples,
      unifiedRecordsRead: checker.unifiedRecords,
      unifiedMeanBytes: checker.unifiedRecords === 0 ? null : round(checker.unifiedBytes / checker.unifiedRecords, 0),
      decodeErrors: checker.decodeErrors,
      redisPolls: checker.redisPolls,
      redisSnapshotsRead: checker.redisSnapshots,
    },
    samples: {
      services: Object.fromEntries(
        STACK_SERVICES.map((s) => [
          s,
          (serviceSamples.get(s) ?? []).map((x) => [
            x.t - startedAt,
            x.pid,
            x.rssBytes === null ? null : round(x.rssBytes / MB),
            x.heapUsedBytes === null ? null : round(x.heapUsedBytes / MB),
            x.loopP99Ms,
          ]),
        ]),
      ),
      servicesColumns: ['msSinceStart', 'pid', 'rssMb', 'heapUsedMb', 'loopP99Ms'],
      lag: kafkaSamples.map((k) => [k.t - startedAt, k.lag]),
      diskLogBytes: diskSamples.map((d) => [d.t - startedAt, d.logBytes]),
      endOffsets: kafkaSamples.map((k) => [k.t - startedAt, k.ends]),
    },
  });

  const out: string[] = [];
  out.push(`\nsoak ${f.universe} universe, ${round(ranMs / MINUTE)} min (warm-up ${f.warmupMs / MINUTE})`);
  out.push('service            RSS MB last  slope MB/10min  heap slope  loop p99 ms (mean/max)');
  for (const [n, s] of Object.entries(services))
    out.push(
      `${n.padEnd(18)} ${String(s.rssMb.last).padStart(11)}  ${String(s.rssMb.slopePer10Min).padStart(14)}  ${String(s.heapUsedMb.slopePer10Min).padStart(10)}  ${s.eventLoopDelayMs.meanOfP99}/${s.eventLoopDelayMs.maxOfP99}`,
    );
  for (const [g, l] of Object.entries(lag))
    out.push(
      `lag ${g.padEnd(14)} max ${l.max} last ${l.last} minima rise ${l.minimaRise} (limit ${l.limit}) bounded ${l.bounded}`,
    );
  for (const d of disk.filter((x) => x.measuredBytes > 0 || x.expectedBytes !== null))
    out.push(
      `disk ${d.topic.padEnd(24)} ${(d.measuredBytes / 1e6).toFixed(1).padStart(8)} MB  expected ${d.expectedBytes === null ? '-' : (d.expectedBytes / 1e6).toFixed(1)} MB  ratio ${d.ratio ?? '-'}  ${d.recordsPerSecond}/s`,
    );
  for (const k of kills) out.push(`kill ${k.service.padEnd(16)} ready ${k.killToReadySeconds ?? '-'} s`);
  out.push(
    `backwards: ${tracker.total()} (unified-market ${tracker.total('unified-market')}, redis ${tracker.total('redis')})`,
  );
  out.push(
    `acceptance: rss ${acceptance.rssSlope.pass}, lag ${acceptance.lagBounded.pass}, disk ${acceptance.diskWithinSizing.pass}${f.kill ? `, kill→ready ${(acceptance as { killReady?: { pass: boolean } }).killReady?.pass}` : ''}, no backwards ${acceptance.noBackwards.pass}`,
  );
  process.stdout.write(`${out.join('\n')}\n\nwrote ${file}\n`);
}

await main();

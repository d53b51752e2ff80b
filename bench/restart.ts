// `pnpm bench:restart`: how long each stateful service (consolidator, psych, srona, quantum) takes
// from process start to its first GET /readyz 200, and its peak RSS meanwhile, when the topics hold
// 1 h, 6 h and 24 h of full-universe traffic. Today every one of them re-reads all retained records
// at start (KafkaBus `replay: true`; quantum resumes its group from the beginning), so the time grows
// with the fill; this bench is the before/after measure for restoring from a time-seek instead.
//
// Fill (synthetic, written fast with the real contracts; bench/lib/fill.ts builds the records):
//   - Universe: the simulator's full one (libs/binance-sim Market 'full': ~2,000 spot symbols, ~500
//     perpetuals, option chains of 6 underlyings with ~1,500 contracts listed now, marks/greeks from
//     its model), cut to the first fraction given by --scale. Keys and chain sizes are realistic.
//   - Topics: every contract topic (TOPICS, TOPIC_RECORD) whose record is a service input is filled,
//     by record type, so renamed or added input topics are picked up; outputs (unified-market*) are
//     not. Candles go to the topic `klineTopic` (contracts) gives their interval, as capture-spot
//     publishes them (1m on market.spot.kline, 1h on market.spot.kline.long). Topics are deleted and recreated before each fill with the
//     library's configs (topicConfigs/ensureTopics, 6 partitions), so each fill starts empty.
//   - Timestamps: each record's producer timestamp (CreateTime) lies in [now - span, now), ascending
//     per topic; eventTime/captureTime/emitTime sit a few ms to 60 ms before it, candles are
//     published 0.5-3.5 s after their close. kafkajs producer, DefaultPartitioner (Java murmur2, as
//     KafkaBus), acks=-1, ContractSerde-encoded values, batches of < 800 KB.
//   - Density: the newest --full-rate-minutes (30) at the full rate: spot tickers, quantum and psych
//     1/s per spot symbol, futures 1/s per perpetual, options chain and srona 1 per underlying per
//     2 s; older records one per key per --reduced-ms (60 s). 1m candles for every spot symbol over
//     the whole span; 1h candles for every spot symbol over the span, and for fills of 24 h or more
//     --underlying-history (30 d) of 1h candles for the option underlyings (SRONA's history). Every
//     history is capped at its topic's retention.ms (what a broker holds in steady state).
//   Once the services restore by seeking to a time horizon, whatever lies before that horizon is
//   skipped whatever its density; the reduced density before the full-rate window makes today's
//   ("before") numbers an underestimate of the real linear cost of a replay (a real 24 h topic holds
//   ~60x more ticker records before the window than this fill does, less what compaction removes).
//
// Kafka: by default a private broker (infra:up's Kafka with MARKETPIPE_INFRA_DIR=.infra/bench-restart
// and port 19092, stopped and its data removed at the end), because the fill deletes and recreates
// the marketpipe topics, which would break anyone else's tests on the shared broker; --kafka shared
// uses infra:up's 127.0.0.1:9092. The schema registry and Redis are infra:up's (the consolidator
// writes to Redis db 13).
//
// Each service runs as its own process (node services/<name>/dist/main.js, LOG_LEVEL=warn), twice per
// fill (the first start may create the consumer group); peak RSS is VmRSS of /proc/<pid>/status
// sampled every 100 ms from spawn to ready (and VmHWM, the kernel's peak, read 3 s after ready).
//
// Flags: --fills 1h,6h,24h  --services consolidator,psych,srona,quantum  --scale 1  --full-rate-minutes 30
//        --reduced-ms 60000  --ticker-ms 1000  --chain-ms 2000  --underlying-history 30d  --runs 2
//        --kafka private|shared  --ready-timeout-minutes 60
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../infra/lib/config.ts';
import { infraDown, infraUp } from '../infra/lib/infra.ts';
import {
  DAY,
  HOUR,
  MINUTE,
  candleStream,
  futuresTicker,
  keyedStream,
  mergeByTimestamp,
  optionsChain,
  parseDuration,
  psychState,
  quantumScore,
  slotTimes,
  spotKline,
  spotTicker,
  sronaReport,
  type ChainTemplate,
  type FillRecord,
} from './lib/fill/fill.ts';
import { writeReport } from './lib/report.ts';

import type * as KafkaJs from 'kafkajs';
import type * as ContractsModule from '../libs/contracts/src/index.ts';
import type * as BusModule from '../libs/bus/src/index.ts';
import type * as MarketModule from '../libs/binance-sim/src/model/market.ts';
import type { OptionContract, TopicName } from '../libs/contracts/src/index.ts';
import { flag } from './lib/flag.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const load = <T>(path: string): T => require(join(ROOT, path)) as T;

const contracts = load<typeof ContractsModule>('libs/contracts/dist/index.js');
const busLib = load<typeof BusModule>('libs/bus/dist/index.js');
const { Market } = load<typeof MarketModule>('libs/binance-sim/dist/model/market.js');
const { Kafka, Partitioners, logLevel } = createRequire(join(ROOT, 'libs/bus/package.json'))(
  'kafkajs',
) as typeof KafkaJs;

const STATEFUL = ['consolidator', 'psych', 'srona', 'quantum'] as const;
type Service = (typeof STATEFUL)[number];
const PARTITIONS = 6;
const MAX_BATCH_BYTES = 800_000;
const PRIVATE_KAFKA_PORT = '19092';
const PRIVATE_INFRA_DIR = '.infra/bench-restart';
const BASE_OPS_PORT = 19_481;
const REDIS_DB = 13;
const SETTLE_MS = 3_000;

const log = (line: string): void => void process.stderr.write(`[restart] ${line}\n`);

// ---------------------------------------------------------------- flags

interface Flags {
  fills: { name: string; spanMs: number }[];
  services: Service[];
  scale: number;
  fullRateMs: number;
  reducedMs: number;
  tickerMs: number;
  chainMs: number;
  underlyingHistoryMs: number;
  runs: number;
  kafka: 'private' | 'shared';
  readyTimeoutMs: number;
}

function positive(name: string, fallback: string): number {
  const v = Number(flag(name, fallback));
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

function parseFlags(): Flags {
  const services = flag('services', STATEFUL.join(','))
    .split(',')
    .map((s) => s.trim());
  for (const s of services)
    if (!(STATEFUL as readonly string[]).includes(s))
      throw new Error(`--services: unknown "${s}" (${STATEFUL.join(', ')})`);
  const scale = positive('scale', '1');
  if (scale > 1) throw new Error('--scale is a fraction of the full universe, at most 1');
  const kafka = flag('kafka', 'private');
  if (kafka !== 'private' && kafka !== 'shared') throw new Error('--kafka must be private or shared');
  return {
    fills: flag('fills', '1h,6h,24h')
      .split(',')
      .map((name) => ({ name: name.trim(), spanMs: parseDuration(name) })),
    services: services as Service[],
    scale,
    fullRateMs: positive('full-rate-minutes', '30') * MINUTE,
    reducedMs: positive('reduced-ms', '60000'),
    tickerMs: positive('ticker-ms', '1000'),
    chainMs: positive('chain-ms', '2000'),
    underlyingHistoryMs: parseDuration(flag('underlying-history', '30d')),
    runs: positive('runs', '2'),
    kafka,
    readyTimeoutMs: positive('ready-timeout-minutes', '60') * MINUTE,
  };
}

// ---------------------------------------------------------------- universe

interface Keyed {
  symbol: string;
  price: number;
}

interface FillUniverse {
  spot: Keyed[];
  perps: Keyed[];
  chains: ChainTemplate[];
  /** Spot symbols plus option underlyings that are not among them: the keys of the candle topic. */
  candleKeys: Keyed[];
  /** Indexes into candleKeys of the option underlyings. */
  underlyingIdx: number[];
}

function buildUniverse(scale: number, now: number): FillUniverse {
  const market = new Market('full', 1);
  const take = <T>(xs: readonly T[]): T[] => xs.slice(0, Math.max(1, Math.round(xs.length * scale)));
  const spot = take(market.universe.spot).map((m) => ({ symbol: m.symbol, price: Math.exp(m.inst.path.logBase) }));
  const perps = take(market.universe.perps).map((m) => ({ symbol: m.symbol, price: Math.exp(m.inst.path.logBase) }));
  const listed = market.options.contracts(now).filter((c) => c.listedAt <= now && now < c.expiry);
  const chains = market.options.underlyings.map((u): ChainTemplate => {
    const scaleDiv = 10 ** u.priceDecimals;
    const indexPrice = market.options.indexPrice(u, now);
    const all = listed.filter((c) => c.u === u);
    // Scaled chains keep the contracts nearest the money.
    const kept = take([...all].sort((a, b) => Math.abs(a.strike - indexPrice) - Math.abs(b.strike - indexPrice)));
    const contracts = kept
      .sort((a, b) => a.expiry - b.expiry || a.strike - b.strike || a.side.localeCompare(b.side))
      .map((c): OptionContract => {
        const q = market.options.quote(c, now);
        const oi = market.options.openInterest(c, now);
        const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);
        return {
          symbol: c.symbol,
          side: c.side,
          strike: c.strike,
          expiryTime: c.expiry,
          unit: 1,
          bidPrice: q.bid > 0 ? q.bid / scaleDiv : null,
          askPrice: q.ask / scaleDiv,
          bidQty: q.bid > 0 ? 10 : null,
          askQty: 10,
          markPrice: q.mark / scaleDiv,
          lastPrice: null,
          volume: 0,
          openInterest: oi,
          openInterestUsd: oi * indexPrice,
          markIV: q.markIV,
          bidIV: fin(q.bidIV),
          askIV: fin(q.askIV),
          delta: q.delta,
          gamma: q.gamma,
          theta: q.theta,
          vega: q.vega,
        };
      });
    return { underlying: u.underlying, indexPrice, contracts };
  });
  const candleKeys = [...spot];
  const underlyingIdx = chains.map((c) => {
    const i = candleKeys.findIndex((k) => k.symbol === c.underlying);
    if (i !== -1) return i;
    candleKeys.push({ symbol: c.underlying, price: c.indexPrice });
    return candleKeys.length - 1;
  });
  return { spot, perps, chains, candleKeys, underlyingIdx };
}

// ---------------------------------------------------------------- topic plan

interface TopicPlan {
  topic: TopicName;
  record: string;
  description: string;
  stream: () => Iterable<FillRecord<unknown>>;
}

/** Where candles of each interval go: a contracts helper if there is one, else by retention. */
/** The topic each candle interval goes to: the contracts' own routing, as capture-spot uses it. */
function klineTopics(intervals: readonly (keyof typeof contracts.KLINE_INTERVAL_MS)[]): Map<string, TopicName> {
  return new Map(intervals.map((i) => [i, contracts.klineTopic(contracts.KLINE_INTERVAL_MS[i])]));
}

function planFill(u: FillUniverse, f: Flags, spanMs: number, end: number): { plans: TopicPlan[]; skipped: object[] } {
  const slots = (fullMs: number): number[] => slotTimes(end, spanMs, f.fullRateMs, fullMs, f.reducedMs);
  const syms = (xs: readonly Keyed[]): string[] => xs.map((x) => x.symbol);
  const tickerSpread = Math.floor(f.tickerMs * 0.9);
  const chainSpread = Math.floor(f.chainMs * 0.75);
  const density = (fullMs: number, keys: number, what: string): string =>
    `${keys} ${what}; 1 per key per ${fullMs} ms in the newest ${f.fullRateMs / MINUTE} min, 1 per key per ${f.reducedMs} ms before`;
  const byRecord: Record<string, { description: string; stream: () => Iterable<FillRecord<unknown>> }> = {
    SpotTicker: {
      description: density(f.tickerMs, u.spot.length, 'spot symbols'),
      stream: () =>
        keyedStream(syms(u.spot), slots(f.tickerMs), tickerSpread, (j, t) =>
          spotTicker(u.spot[j]?.symbol as string, u.spot[j]?.price as number, j, t),
        ),
    },
    FuturesTicker: {
      description: density(f.tickerMs, u.perps.length, 'perpetuals'),
      stream: () =>
        keyedStream(syms(u.perps), slots(f.tickerMs), tickerSpread, (j, t) =>
          futuresTicker(u.perps[j]?.symbol as string, u.perps[j]?.price as number, j, t),
        ),
    },
    QuantumScore: {
      description: density(f.tickerMs, u.spot.length, 'spot symbols'),
      stream: () =>
        keyedStream(syms(u.spot), slots(f.tickerMs), tickerSpread, (j, t) =>
          quantumScore(u.spot[j]?.symbol as string, j, t),
        ),
    },
    PsychState: {
      description: density(f.tickerMs, u.spot.length, 'spot symbols'),
      stream: () =>
        keyedStream(syms(u.spot), slots(f.tickerMs), tickerSpread, (j, t) =>
          psychState(u.spot[j]?.symbol as string, j, t),
        ),
    },
    OptionsChain: {
      description: `${density(f.chainMs, u.chains.length, 'underlyings')}; ${u.chains.map((c) => `${c.underlying} ${c.contracts.length}`).join(', ')} contracts`,
      stream: () =>
        keyedStream(
          u.chains.map((c) => c.underlying),
          slots(f.chainMs),
          chainSpread,
          (j, t) => optionsChain(u.chains[j] as ChainTemplate, j, t),
        ),
    },
    SronaReport: {
      description: density(f.chainMs, u.chains.length, 'underlyings'),
      stream: () =>
        keyedStream(
          u.chains.map((c) => c.underlying),
          slots(f.chainMs),
          chainSpread,
          (j, t) => sronaReport(u.chains[j] as ChainTemplate, j, t),
        ),
    },
  };
  const intervals = ['1m', '1h'] as const;
  const klineTopic = klineTopics(intervals);
  const plans: TopicPlan[] = [];
  const skipped: object[] = [];
  const allCandleKeys = u.candleKeys.map((_, i) => i);
  const spotIdx = u.spot.map((_, i) => i);
  for (const topic of contracts.ALL_TOPICS) {
    const record = contracts.TOPIC_RECORD[topic] as string;
    const retentionMs = contracts.TOPIC_POLICY[topic].retentionMs;
    if (record === 'SpotKline') {
      const streams: Iterable<FillRecord<unknown>>[] = [];
      const parts: string[] = [];
      for (const interval of intervals) {
        if (klineTopic.get(interval) !== topic) continue;
        const ms = contracts.KLINE_INTERVAL_MS[interval];
        const span = Math.min(spanMs, retentionMs);
        const long = interval === '1h' && spanMs >= DAY ? Math.min(f.underlyingHistoryMs, retentionMs) : 0;
        const history = Math.max(span, long);
        const keysAt = (open: number): readonly number[] =>
          open + ms >= end - span ? (interval === '1h' ? allCandleKeys : spotIdx) : u.underlyingIdx;
        streams.push(
          candleStream(end, history, ms, 500, 3_000, keysAt, syms(u.candleKeys), (j, open, at) =>
            spotKline(u.candleKeys[j]?.symbol as string, u.candleKeys[j]?.price as number, j, interval, ms, open, at),
          ),
        );
        parts.push(
          `${interval}: every spot symbol over ${span / HOUR} h` +
            (long > span ? `, option underlyings over ${long / DAY} d` : '') +
            (interval === '1h' && long > span && long < f.underlyingHistoryMs ? ' (capped at retention.ms)' : ''),
        );
      }
      if (streams.length === 0) skipped.push({ topic, record, reason: 'no kline interval placed here' });
      else plans.push({ topic, record, description: parts.join('; '), stream: () => mergeByTimestamp(streams) });
      continue;
    }
    const spec = byRecord[record];
    if (spec === undefined) {
      skipped.push({
        topic,
        record,
        reason: 'not an input of the stateful services (an output, or unknown to this bench)',
      });
      continue;
    }
    const capped = Math.min(spanMs, retentionMs);
    plans.push({
      topic,
      record,
      description: spec.description + (capped < spanMs ? ` (span capped at retention.ms ${retentionMs} ms)` : ''),
      stream:
        capped < spanMs
          ? () => [...spec.stream()].filter((r) => r.timestamp >= end - capped) // rare: only if retention < span
          : spec.stream,
    });
  }
  return { plans, skipped };
}

// ---------------------------------------------------------------- writing

interface TopicStats {
  topic: string;
  record: string;
  description: string;
  records: number;
  /** Sum of key and value bytes as produced (Confluent-framed Avro values). */
  payloadBytes: number;
  /** Size of the topic's log segments on the broker after the fill (private Kafka only). */
  diskBytes: number | null;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  writeSeconds: number;
}

type Serde = InstanceType<typeof ContractsModule.ContractSerde>;

async function writeTopic(producer: KafkaJs.Producer, serde: Serde, plan: TopicPlan): Promise<TopicStats> {
  const started = performance.now();
  let records = 0;
  let payloadBytes = 0;
  let first: number | null = null;
  let last: number | null = null;
  let batch: KafkaJs.Message[] = [];
  let batchBytes = 0;
  const inflight: Promise<unknown>[] = [];
  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    inflight.push(producer.send({ topic: plan.topic, acks: -1, messages: batch }));
    batch = [];
    batchBytes = 0;
    if (inflight.length >= 4) await inflight.shift();
  };
  let pending: FillRecord<unknown>[] = [];
  const encodePending = async (): Promise<void> => {
    const values = await Promise.all(pending.map((r) => serde.encode(plan.topic, r.value as never)));
    for (let i = 0; i < pending.length; i++) {
      const r = pending[i] as FillRecord<unknown>;
      const value = values[i] as Buffer;
      const size = value.length + Buffer.byteLength(r.key);
      if (batchBytes + size > MAX_BATCH_BYTES) await send();
      batch.push({ key: r.key, value, timestamp: String(r.timestamp) });
      batchBytes += size;
      payloadBytes += size;
      records++;
      if (first === null) first = r.timestamp;
      last = r.timestamp;
    }
    pending = [];
  };
  for (const r of plan.stream()) {
    pending.push(r);
    if (pending.length >= 512) await encodePending();
  }
  await encodePending();
  await send();
  await Promise.all(inflight);
  const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
  return {
    topic: plan.topic,
    record: plan.record,
    description: plan.description,
    records,
    payloadBytes,
    diskBytes: null,
    firstTimestamp: iso(first),
    lastTimestamp: iso(last),
    writeSeconds: (performance.now() - started) / 1000,
  };
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    // Log segments only: the offset and time indexes are preallocated (10 MB each) and say nothing.
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.name.endsWith('.log')) total += statSync(p).size;
  }
  return total;
}

function topicDiskBytes(kafkaData: string | undefined, topic: string): number | null {
  if (kafkaData === undefined || !existsSync(kafkaData)) return null;
  let total = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const dir = join(kafkaData, `${topic}-${p}`);
    if (existsSync(dir)) total += dirBytes(dir);
  }
  return total;
}

/** Deletes every marketpipe topic (and DLQ) and the services' groups, then recreates the topics empty. */
async function resetTopics(admin: KafkaJs.Admin): Promise<void> {
  const layout = { partitions: PARTITIONS, replicationFactor: 1 };
  const wanted = busLib.topicConfigs(layout).map((t) => t.topic);
  const present = (await admin.listTopics()).filter((t) => wanted.includes(t));
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 60_000 });
  for (let i = 0; i < 300; i++) {
    const left = (await admin.listTopics()).filter((t) => wanted.includes(t));
    if (left.length === 0) break;
    await sleep(200);
  }
  await admin.deleteGroups([...STATEFUL]).catch(() => undefined);
  // Recreating right after a delete can race the broker's cleanup: retry a few times.
  for (let attempt = 0; ; attempt++) {
    try {
      const { mismatched } = await busLib.ensureTopics(admin, layout);
      if (mismatched.length > 0) throw new Error(mismatched.join('; '));
      return;
    } catch (err) {
      if (attempt >= 20) throw err;
      await sleep(500);
    }
  }
}

// ---------------------------------------------------------------- service runs

interface RunResult {
  run: number;
  readySeconds: number;
  peakRssMbToReady: number;
  /** VmHWM 3 s after ready: the process's peak resident set so far, by the kernel. */
  hwmMbAfterSettle: number | null;
  stopSeconds: number;
  /** The /readyz body at ready (its checks and their details). */
  readyDetail: unknown;
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? null : Number(m[1]);
  } catch {
    return null;
  }
}

const mb = (kb: number): number => Math.round(kb / 102.4) / 10;

function tailOf(file: string): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

let current: ChildProcess | undefined;

async function runService(
  service: Service,
  run: number,
  env: Record<string, string>,
  port: number,
  logFile: string,
  timeoutMs: number,
): Promise<RunResult> {
  const fd = openSync(logFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'services', service, 'dist', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env, OPS_PORT: String(port) },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  current = child;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const pid = child.pid ?? -1;
  let peakKb = 0;
  const sampler = setInterval(() => {
    const kb = procStatusKb(pid, 'VmRSS');
    if (kb !== null && kb > peakKb) peakKb = kb;
  }, 100);
  try {
    let last = 'no answer';
    let readyMs: number | undefined;
    let detail: unknown = '';
    while (readyMs === undefined) {
      if (exited) throw new Error(`${service} exited before ready; ${logFile}:\n${tailOf(logFile)}`);
      if (performance.now() - started > timeoutMs)
        throw new Error(`${service} not ready within ${timeoutMs / 1000} s (last: ${last}); ${logFile}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) });
        const body = (await res.text()).slice(0, 300);
        if (res.status === 200) {
          readyMs = performance.now() - started;
          try {
            detail = JSON.parse(body) as unknown;
          } catch {
            detail = body;
          }
        } else last = `HTTP ${res.status} ${body}`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (readyMs === undefined) await sleep(100);
    }
    const peakToReady = Math.max(peakKb, procStatusKb(pid, 'VmRSS') ?? 0);
    await sleep(SETTLE_MS);
    const hwm = procStatusKb(pid, 'VmHWM');
    const stopStart = performance.now();
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exit;
    clearTimeout(killer);
    return {
      run,
      readySeconds: Math.round(readyMs) / 1000,
      peakRssMbToReady: mb(peakToReady),
      hwmMbAfterSettle: hwm === null ? null : mb(hwm),
      stopSeconds: Math.round(performance.now() - stopStart) / 1000,
      readyDetail: detail,
    };
  } finally {
    clearInterval(sampler);
    if (!exited) {
      child.kill('SIGKILL');
      await exit;
    }
    current = undefined;
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const f = parseFlags();
  const shared = await infraUp({ root: ROOT, components: f.kafka === 'shared' ? undefined : ['registry', 'redis'] });
  const privateEnv = {
    ...process.env,
    MARKETPIPE_INFRA_DIR: PRIVATE_INFRA_DIR,
    MARKETPIPE_KAFKA_PORT: PRIVATE_KAFKA_PORT,
  };
  let brokers = shared.env['KAFKA_BROKERS'] ?? '';
  let kafkaData: string | undefined;
  if (f.kafka === 'private') {
    const up = await infraUp({ root: ROOT, env: privateEnv, components: ['kafka'] });
    brokers = up.env['KAFKA_BROKERS'] ?? '';
    kafkaData = loadConfig(ROOT, privateEnv).paths.kafkaData;
  }
  const registryUrl = shared.env['SCHEMA_REGISTRY_URL'] ?? '';
  const serviceEnv: Record<string, string> = {
    KAFKA_BROKERS: brokers,
    SCHEMA_REGISTRY_URL: registryUrl,
    REDIS_URL: `${shared.env['REDIS_URL'] ?? ''}/${REDIS_DB}`,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    OPS_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // psych's first run writes a window checkpoint within the 3 s it lives after ready, so its
    // second run restores as a running deployment would (first run: no checkpoint yet, a fresh one).
    PSYCH_CHECKPOINT_MS: '1000',
  };
  log(`kafka ${brokers} (${f.kafka}), registry ${registryUrl}`);
  const stop = (): void => {
    current?.kill('SIGKILL');
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const kafka = new Kafka({ clientId: 'bench-restart', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const registryConfig = { url: registryUrl, compatibility: 'FULL_TRANSITIVE' as const };
  const client = contracts.createRegistryClient(registryConfig);
  const serde = new contracts.ContractSerde(client, await contracts.registerContracts(client, registryConfig));
  const logDir = join(ROOT, '.infra', 'logs', 'bench-restart');
  mkdirSync(logDir, { recursive: true });

  const fills: object[] = [];
  const table: string[] = [];
  await admin.connect();
  try {
    for (const fill of f.fills) {
      log(`fill ${fill.name}: resetting topics`);
      await resetTopics(admin);
      await producer.connect();
      const end = Date.now();
      const u = buildUniverse(f.scale, end);
      const { plans, skipped } = planFill(u, f, fill.spanMs, end);
      const fillStart = performance.now();
      const topics = await Promise.all(plans.map((p) => writeTopic(producer, serde, p)));
      const fillSeconds = (performance.now() - fillStart) / 1000;
      await producer.disconnect();
      await sleep(2_000); // let the broker flush before measuring the log directories
      for (const t of topics) t.diskBytes = topicDiskBytes(kafkaData, t.topic);
      const records = topics.reduce((a, t) => a + t.records, 0);
      const bytes = topics.reduce((a, t) => a + t.payloadBytes, 0);
      log(`fill ${fill.name}: ${records} records, ${(bytes / 1e6).toFixed(1)} MB in ${fillSeconds.toFixed(1)} s`);
      for (const t of topics)
        log(
          `  ${t.topic.padEnd(24)} ${String(t.records).padStart(9)} records ${(t.payloadBytes / 1e6).toFixed(1).padStart(8)} MB`,
        );

      // The newest records are this old when the first service starts (the fill ends at its start).
      const newestRecordAgeSecondsAtFirstStart = (Date.now() - end) / 1000;
      const services: Record<string, RunResult[]> = {};
      for (const [i, service] of f.services.entries()) {
        services[service] = [];
        for (let run = 1; run <= f.runs; run++) {
          const logFile = join(logDir, `${service}-${fill.name}-${run}.log`);
          const r = await runService(service, run, serviceEnv, BASE_OPS_PORT + i, logFile, f.readyTimeoutMs);
          services[service].push(r);
          log(`  ${service} run ${run}: ready ${r.readySeconds.toFixed(1)} s, peak RSS ${r.peakRssMbToReady} MB`);
          table.push(
            `${fill.name.padEnd(5)} ${service.padEnd(13)} ${String(run).padEnd(4)} ${r.readySeconds.toFixed(1).padStart(8)} ${r.peakRssMbToReady.toFixed(0).padStart(8)} ${String(r.hwmMbAfterSettle?.toFixed(0) ?? '-').padStart(8)}`,
          );
        }
      }
      fills.push({
        fill: fill.name,
        spanMs: fill.spanMs,
        end: new Date(end).toISOString(),
        fillSeconds,
        records,
        payloadBytes: bytes,
        newestRecordAgeSecondsAtFirstStart,
        topics,
        notFilled: skipped,
        services,
      });
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    if (f.kafka === 'private') await infraDown({ root: ROOT, env: privateEnv, components: ['kafka'], purge: true });
  }

  const file = writeReport('restart', {
    method: {
      fill: {
        universe: `simulator full universe x ${f.scale}`,
        fullRateMinutes: f.fullRateMs / MINUTE,
        reducedDensityMs: f.reducedMs,
        tickerMs: f.tickerMs,
        chainMs: f.chainMs,
        underlyingHistory: `${f.underlyingHistoryMs / DAY} d of 1h candles for the option underlyings in fills >= 24 h (capped at the kline topic's retention.ms)`,
        timestamps:
          "producer CreateTime in [end - span, end) ascending per topic, end = the fill's start; eventTime/captureTime/emitTime a few ms before it",
        producer: 'kafkajs, DefaultPartitioner (murmur2), acks=-1, ContractSerde values, batches < 800 KB',
        caveat:
          'before the full-rate window the density is reduced, so a full replay reads fewer records than a real topic would hold: the restart times of a replay-everything service are an underestimate; a time-seek restore skips what lies before its horizon whatever its density',
        topics: `deleted and recreated before each fill with topicConfigs/ensureTopics (${PARTITIONS} partitions)`,
      },
      kafka:
        f.kafka === 'private'
          ? `private broker on port ${PRIVATE_KAFKA_PORT} (infra:up's Kafka)`
          : 'shared infra:up Kafka',
      restart:
        'node services/<name>/dist/main.js with LOG_LEVEL=warn; readySeconds = spawn to first GET /readyz 200 (polled every 100 ms); peakRssMbToReady = max VmRSS sampled every 100 ms until then; hwmMbAfterSettle = VmHWM 3 s after ready; then SIGTERM',
      runsPerService: f.runs,
    },
    fills,
  });
  process.stdout.write(`\nfill  service       run  ready s  peak MB   hwm MB\n${table.join('\n')}\n\nwrote ${file}\n`);
}

await main();

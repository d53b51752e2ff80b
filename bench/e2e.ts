// `pnpm bench:e2e`: end-to-end latency of the distributed mode on real Kafka, the registry and
// Redis — from a spot ticker's capture (its captureTime, stamped by capture-spot) to the
// unified-market record that carries it (seen by a plain Confluent consumer) and to the Redis
// snapshot that holds it — p50/p99 and each service's RSS, at the default universe and then at the
// full-size one (every spot symbol, every perpetual, every option underlying of the simulator).
// Everything runs on this machine, so all clocks are the same clock. `--universe default|full`
// runs one of them only.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraUp } from '../infra/lib/infra.ts';
import { stackDown, stackUp, type StackProcess } from '../infra/lib/stack.ts';
import { summarizeLatency } from './lib/latency.ts';
import { writeReport } from './lib/report.ts';
import type * as KafkaJs from 'kafkajs';
import type * as RegistryLib from '@kafkajs/confluent-schema-registry';
import type * as IoRedis from 'ioredis';

const ROOT = join(import.meta.dirname, '..');
const require = createRequire(join(ROOT, 'package.json'));
const { Kafka, logLevel } = require('kafkajs') as typeof KafkaJs;
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry') as typeof RegistryLib;
const { Redis } = require('ioredis') as typeof IoRedis;

const MEASURE_MS = Number(process.env['E2E_MEASURE_MS'] ?? 60_000);
const SYMBOL = 'BTCUSDT';
type Universe = 'default' | 'full';

/**
 * What the services capture at each size. At the full size the kline backfill is cut to one hour of
 * 1m candles: 2,000 symbols × 1,440 candles would spend minutes of spot weight before the first
 * ticker, and history depth does not change the latency measured here.
 */
const UNIVERSE_ENV: Record<Universe, Record<string, string>> = {
  default: {},
  full: {
    SPOT_SYMBOLS: 'ALL',
    FUTURES_SYMBOLS: 'ALL',
    OPTIONS_UNDERLYINGS: 'ALL',
    SPOT_KLINES: '1m:60',
  },
};
const WARM_UP_MS: Record<Universe, number> = { default: 10_000, full: 30_000 };

interface UnifiedLike {
  symbol: string;
  spot: { captureTime: number } | null;
}

function rssBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

const log = (line: string): void => void process.stderr.write(`[e2e] ${line}\n`);

async function measure(universe: Universe, env: Record<string, string>): Promise<object> {
  await stackDown(ROOT, log);
  const started = Date.now();
  const processes: StackProcess[] = await stackUp({
    root: ROOT,
    env: { ...env, ...UNIVERSE_ENV[universe] },
    sim: true,
    universe,
    basePort: 19181,
    log,
  });
  const readyMs = Date.now() - started;
  const kafkaLatency: number[] = [];
  const redisLatency: number[] = [];
  const kafka = new Kafka({
    clientId: 'bench-e2e',
    brokers: (env['KAFKA_BROKERS'] ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `bench-e2e-${Date.now()}`, maxWaitTimeInMs: 100 });
  const registry = new SchemaRegistry({ host: env['SCHEMA_REGISTRY_URL'] ?? '' });
  const redis = new Redis(env['REDIS_URL'] ?? '');
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: 'unified-market', fromBeginning: false });
    let measuring = false;
    const seenKafka = new Set<number>();
    await consumer.run({
      eachMessage: async ({ message }) => {
        const arrived = Date.now();
        if (!measuring || message.key?.toString() !== SYMBOL || message.value === null) return;
        const u = (await registry.decode(message.value)) as UnifiedLike;
        const t = u.spot?.captureTime;
        if (t !== undefined && !seenKafka.has(t)) {
          seenKafka.add(t);
          kafkaLatency.push(arrived - t);
        }
      },
    });
    await new Promise((r) => setTimeout(r, WARM_UP_MS[universe])); // warm-up: rebuild, backfill, first ticks
    // The snapshot already in Redis is not a fresh observation: only changes from here on count.
    const before = await redis.get(`marketpipe:unified:${SYMBOL}`);
    let lastCapture = before === null ? 0 : ((JSON.parse(before) as UnifiedLike).spot?.captureTime ?? 0);
    measuring = true;
    const end = Date.now() + MEASURE_MS;
    while (Date.now() < end) {
      const text = await redis.get(`marketpipe:unified:${SYMBOL}`);
      const now = Date.now();
      const t = text === null ? undefined : (JSON.parse(text) as UnifiedLike).spot?.captureTime;
      if (t !== undefined && t !== lastCapture) {
        lastCapture = t;
        redisLatency.push(now - t);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const rss = Object.fromEntries(processes.map((p) => [p.name, rssBytes(p.pid)]));
    const symbols = await redis.scard('marketpipe:symbols');
    const toKafka = summarizeLatency(kafkaLatency);
    const toRedis = summarizeLatency(redisLatency);
    log(
      `${universe}: kafka p50 ${toKafka.p50Ms} ms p99 ${toKafka.p99Ms} ms; redis p50 ${toRedis.p50Ms} ms p99 ${toRedis.p99Ms} ms; ${symbols} symbols in Redis`,
    );
    return {
      universe: `${universe} (simulator)`,
      servicesEnv: UNIVERSE_ENV[universe],
      stackReadyMs: readyMs,
      symbolsInRedis: symbols,
      captureToUnifiedMarket: toKafka,
      captureToRedis: toRedis,
      rssBytes: rss,
    };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    redis.disconnect();
    await stackDown(ROOT, log);
  }
}

async function main(): Promise<void> {
  const arg = process.argv.indexOf('--universe');
  const only = arg === -1 ? undefined : process.argv[arg + 1];
  if (only !== undefined && only !== 'default' && only !== 'full')
    throw new Error(`--universe must be default or full, got "${only}"`);
  const universes: Universe[] = only === undefined ? ['default', 'full'] : [only];
  const { env } = await infraUp({ root: ROOT });
  const runs = [];
  for (const u of universes) runs.push(await measure(u, env));
  const file = writeReport('e2e', {
    method: {
      tick: 'CONSOLIDATOR_TICK_MS default 100',
      latency:
        'arrival (Kafka consumer) or observation (Redis GET polled every 5 ms, so up to ~5 ms late) minus spot.captureTime of BTCUSDT, once per new spot capture',
      measureMs: MEASURE_MS,
      rss: 'VmRSS of each process at the end of the measurement',
    },
    runs,
  });
  process.stdout.write(`wrote ${file}\n`);
}

await main();

// Event time → Kafka: how long after the exchange's event a capture record can be read from
// Kafka, REST polling against WebSocket streams, measured in the same run on real Kafka and the
// schema registry. The three capture services run as separate processes against the simulator in
// its own process (as `pnpm stack:up --sim` runs them); a plain kafkajs consumer on the capture
// topics stamps each batch as it arrives and decodes the records afterwards, so decoding does not
// delay the stamps of later batches.
//
// Per scenario and topic: arrival − eventTime (the simulator's event time: the model second the
// values belong to, which its streams push 1 ms into that second and its REST endpoints serve
// for the whole second), arrival − captureTime (marketpipe's own part: response or frame received
// → readable on Kafka) and captureTime − eventTime (what the transport adds: for REST the polling
// phase, for streams the push). Scenarios run one after another (default universe, then the full
// one; REST, then streams), so none shares the machine with another's load.
//
//   node bench/kafka-latency.ts [--universe default|full] [--mode rest|ws]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { infraUp } from '../infra/lib/infra.ts';
import { stackDown, stackUp, type StackProcess } from '../infra/lib/stack.ts';
import { summarizeLatency, type LatencySummary } from './lib/latency.ts';
import { writeReport } from './lib/report.ts';
import type * as KafkaJs from 'kafkajs';
import type * as RegistryLib from '@kafkajs/confluent-schema-registry';

const ROOT = join(import.meta.dirname, '..');
const require = createRequire(join(ROOT, 'package.json'));
const { Kafka, logLevel } = require('kafkajs') as typeof KafkaJs;
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry') as typeof RegistryLib;

const MINUTE = 60_000;
const MEASURE_MS = Number(process.env['LATENCY_MEASURE_MS'] ?? MINUTE);
const TOPICS = ['market.spot.ticker', 'market.futures.ticker', 'market.options.chain'] as const;
type Topic = (typeof TOPICS)[number];
type Universe = 'default' | 'full';
type Mode = 'rest' | 'ws';

const UNIVERSE_ENV: Record<Universe, Record<string, string>> = {
  // A short backfill: history depth does not change ticker latency.
  default: { SPOT_KLINES: '1m:60' },
  // No start-up backfill of ~2,000 symbols' candles (minutes of spot weight before the first ticker).
  full: { SPOT_SYMBOLS: 'ALL', FUTURES_SYMBOLS: 'ALL', OPTIONS_UNDERLYINGS: 'ALL', SPOT_KLINES: '1m:0' },
};
/** After every capture reports ready: first sweeps, stream subscriptions, group joins. */
const WARM_UP_MS: Record<Universe, number> = { default: 10_000, full: 20_000 };

interface Arrival {
  topic: Topic;
  at: number;
  value: Buffer;
}

interface Decoded {
  eventTime: number;
  captureTime: number;
}

const log = (line: string): void => void process.stderr.write(`[kafka-latency] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const WEIGHT_LINE = /^marketpipe_binance_weight_(used|limit)\{product="(\w+)"[^}]*\} (\d+)/gm;

/** The largest REST weight each capture's client counted in its current minute, from /metrics. */
async function sampleWeights(
  processes: readonly StackProcess[],
  into: Map<string, { used: number; limit: number }>,
): Promise<void> {
  for (const p of processes) {
    if (!p.name.startsWith('capture-')) continue;
    const text = await fetch(`${p.url}/metrics`)
      .then((r) => r.text())
      .catch(() => '');
    const seen: Record<string, { used: number; limit: number }> = {};
    for (const [, kind, product, value] of text.matchAll(WEIGHT_LINE)) {
      const w = (seen[product ?? ''] ??= { used: 0, limit: 0 });
      w[kind === 'used' ? 'used' : 'limit'] = Number(value);
    }
    for (const [product, w] of Object.entries(seen)) {
      const prev = into.get(product);
      into.set(product, { used: Math.max(prev?.used ?? 0, w.used), limit: w.limit });
    }
  }
}

async function runScenario(
  universe: Universe,
  mode: Mode,
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  await stackDown(ROOT, log);
  const servicesEnv = { ...UNIVERSE_ENV[universe], CAPTURE_MODE: mode };
  const started = Date.now();
  const processes = await stackUp({
    root: ROOT,
    env: { ...env, ...servicesEnv },
    sim: true,
    universe,
    basePort: 19281,
    services: ['capture-spot', 'capture-futures', 'capture-options'],
    log,
  });
  const readyMs = Date.now() - started;
  const kafka = new Kafka({
    clientId: 'bench-kafka-latency',
    brokers: (env['KAFKA_BROKERS'] ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const registry = new SchemaRegistry({ host: env['SCHEMA_REGISTRY_URL'] ?? '' });
  const consumer = kafka.consumer({ groupId: `bench-kafka-latency-${Date.now()}`, maxWaitTimeInMs: 100 });
  const arrivals: Arrival[] = [];
  const weights = new Map<string, { used: number; limit: number }>();
  const window = { start: Infinity, end: -Infinity };
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...TOPICS], fromBeginning: false });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const at = Date.now();
        if (at < window.start || at >= window.end) return;
        for (const m of batch.messages)
          if (m.value !== null) arrivals.push({ topic: batch.topic as Topic, at, value: m.value });
      },
    });
    // The window opens on the first clock minute after the warm-up, so the weight the captures
    // count (per clock-aligned minute, as Binance does) is that of steady state, not start-up.
    const warm = Date.now() + WARM_UP_MS[universe];
    window.start = warm - (warm % MINUTE) + MINUTE;
    window.end = window.start + MEASURE_MS;
    await sleep(window.start - Date.now());
    const sampler = setInterval(() => void sampleWeights(processes, weights), 1_000);
    await sleep(window.end - Date.now() + 500);
    clearInterval(sampler);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await stackDown(ROOT, log);
  }

  const byTopic: Record<string, unknown> = {};
  for (const topic of TOPICS) {
    const toKafka: number[] = [];
    const pipeline: number[] = [];
    const transport: number[] = [];
    const symbols = new Set<string>();
    for (const a of arrivals) {
      if (a.topic !== topic) continue;
      const v = (await registry.decode(a.value)) as Decoded & { symbol?: string; underlying?: string };
      symbols.add(v.symbol ?? v.underlying ?? '');
      toKafka.push(a.at - v.eventTime);
      pipeline.push(a.at - v.captureTime);
      transport.push(v.captureTime - v.eventTime);
    }
    byTopic[topic] = {
      records: toKafka.length,
      symbols: symbols.size,
      recordsPerSecond: Math.round((toKafka.length / MEASURE_MS) * 1000 * 10) / 10,
      recordsPerSymbolPerSecond:
        symbols.size === 0 ? 0 : Math.round((toKafka.length / symbols.size / MEASURE_MS) * 1000 * 1000) / 1000,
      eventTimeToKafka: summarizeLatency(toKafka),
      captureTimeToKafka: summarizeLatency(pipeline),
      eventTimeToCapture: summarizeLatency(transport),
    };
    const s = (byTopic[topic] as { eventTimeToKafka: LatencySummary }).eventTimeToKafka;
    log(`${universe} ${mode} ${topic}: ${toKafka.length} records, event→Kafka p50 ${s.p50Ms} p99 ${s.p99Ms} ms`);
  }
  const restWeight = Object.fromEntries(
    [...weights].map(([product, w]) => [product, { ...w, share: Math.round((w.used / w.limit) * 10_000) / 10_000 }]),
  );
  log(`${universe} ${mode} REST weight (largest in the window): ${JSON.stringify(restWeight)}`);
  return { universe, mode, servicesEnv, stackReadyMs: readyMs, restWeight, topics: byTopic };
}

export async function runKafkaLatencyBench(
  universes: readonly Universe[] = ['default', 'full'],
  modes: readonly Mode[] = ['rest', 'ws'],
): Promise<string> {
  const { env } = await infraUp({ root: ROOT });
  const runs: Record<string, unknown>[] = [];
  for (const universe of universes) for (const mode of modes) runs.push(await runScenario(universe, mode, env));
  return writeReport('kafka-latency', {
    method: {
      latency:
        'consumer arrival (Date.now() when kafkajs hands over the fetched batch) minus the record field; one clock, one machine',
      eventTime:
        "the simulator's event time: the model second of the values (streams push 1 ms into that second; REST serves that state for the whole second, so REST adds the polling phase)",
      measureMs: MEASURE_MS,
      warmUpMs: WARM_UP_MS,
      window: 'starts at the first clock-aligned minute after the warm-up',
      processes:
        'simulator, capture-spot, capture-futures and capture-options as separate processes (KAFKA_TOPIC_PARTITIONS 3), Kafka and the registry from infra:up, all on this machine',
      target: 'event time → Kafka p99 ≤ 50 ms with streams; REST weight < 5 % of each budget with streams',
      restWeight:
        "largest marketpipe_binance_weight_used (the client's count of the current clock minute, raised to the server's header, read at scrape time) scraped every second through the window (a clock-aligned minute after the warm-up), against marketpipe_binance_weight_limit",
    },
    runs,
  });
}

if (process.argv[1] === import.meta.filename) {
  const option = (name: string, allowed: readonly string[]): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    const v = i === -1 ? undefined : process.argv[i + 1];
    if (v !== undefined && !allowed.includes(v))
      throw new Error(`--${name} must be ${allowed.join(' or ')}, got "${v}"`);
    return v;
  };
  const universe = option('universe', ['default', 'full']) as Universe | undefined;
  const mode = option('mode', ['rest', 'ws']) as Mode | undefined;
  const file = await runKafkaLatencyBench(
    universe === undefined ? undefined : [universe],
    mode === undefined ? undefined : [mode],
  );
  process.stdout.write(`wrote ${file}\n`);
}

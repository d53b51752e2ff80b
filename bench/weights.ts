// Binance REQUEST_WEIGHT used per minute as a share of each product's budget, and the cadence the
// capture loops achieve, against the bundled simulator with the three real captures over the
// in-memory bus.
//
//   (a) default universe, default config (seed symbols, 1 s spot/futures, 2 s options), SPOT_KLINES=1m:60
//   (b) full universe, SPOT_SYMBOLS=ALL FUTURES_SYMBOLS=ALL OPTIONS_UNDERLYINGS=ALL, SPOT_KLINES=1m:0
//       (no start-up backfill of 2,000 symbols; the per-minute 1m kline loop still runs)
//   (c) as (b) with CAPTURE_MODE=ws: tickers, marks and chains from the simulator's WebSocket
//       streams; REST only for exchangeInfo, klines and futures open interest
// (a) and (b) run CAPTURE_MODE=rest. Each scenario also reports, per topic, how many distinct
// symbols were published in the window, records per symbol per second, and the latency from a
// record's eventTime (the exchange's time) to its delivery on the in-process bus, p50/p99, and from
// its captureTime (response or frame received) to the bus. The simulator's eventTime is its model
// second (REST and streams agree on it); streams push 1 ms into that second, REST serves it for the
// whole second, so REST's eventTime latency includes its polling phase. captureTime latency is
// marketpipe's own part. (Event time → Kafka is bench/kafka-latency.ts.)
//
// Both scenarios run at the same time, each in its own child process with its own simulator (the
// simulator counts weight per instance, so they do not share budgets; on a 2-core machine this
// keeps the file at ~2 minutes instead of ~4). Each measures the first complete clock-aligned
// minute after every capture's start() resolved (exchangeInfo and backfill done), so the start-up
// minute (exchangeInfo, backfill) is excluded from the steady-state number; it is reported apart.
//
// Weight per minute: the simulator keeps no per-minute history, so it is taken from what it says
// in X-MBX-USED-WEIGHT-1M (the server's count for the window, including the request): the largest
// header value seen in the window (responses arriving in the first second of the next window with a
// count above that window's are attributed to the previous one). The client's own budget count
// (client.budget.snapshot(), sampled every 100 ms) is reported next to it as a cross-check.
import type * as PromClient from 'prom-client';
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentileOfSorted } from './lib/latency.ts';
import { writeReport } from './lib/report.ts';

import type * as SimModule from '../libs/binance-sim/src/index.ts';
import type * as BusModule from '../libs/bus/src/index.ts';
import type * as BinanceModule from '../libs/binance/src/index.ts';
import type * as RuntimeModule from '../libs/runtime/src/index.ts';
import type * as ContractsModule from '../libs/contracts/src/index.ts';
import type * as SpotModule from '../services/capture-spot/src/index.ts';
import type * as FuturesModule from '../services/capture-futures/src/index.ts';
import type * as OptionsModule from '../services/capture-options/src/index.ts';

const HERE = fileURLToPath(import.meta.url);
const ROOT = join(dirname(HERE), '..');
const require = createRequire(import.meta.url);
const load = <T>(path: string): T => require(join(ROOT, path)) as T;

type Product = 'spot' | 'futures' | 'options';
const PRODUCTS: readonly Product[] = ['spot', 'futures', 'options'];
const MINUTE = 60_000;
/** After the measured minute ends, wait this long for in-flight responses before stopping. */
const TAIL_MS = 1_500;

interface ScenarioSpec {
  name: 'defaultUniverse' | 'fullUniverse' | 'fullUniverseStreams';
  universe: 'default' | 'full';
  env: Record<string, string>;
  note: string;
}

const SCENARIOS: readonly ScenarioSpec[] = [
  {
    name: 'defaultUniverse',
    universe: 'default',
    env: { CAPTURE_MODE: 'rest', SPOT_KLINES: '1m:60' },
    note: 'default config (seed symbols, 1 s spot/futures, 2 s options cadence); SPOT_KLINES=1m:60 keeps the backfill short; the start-up/backfill minute is excluded from `window` and reported as `startupMinute`',
  },
  {
    name: 'fullUniverse',
    universe: 'full',
    env: {
      CAPTURE_MODE: 'rest',
      SPOT_SYMBOLS: 'ALL',
      FUTURES_SYMBOLS: 'ALL',
      OPTIONS_UNDERLYINGS: 'ALL',
      SPOT_KLINES: '1m:0',
    },
    note: 'SPOT_SYMBOLS=ALL FUTURES_SYMBOLS=ALL OPTIONS_UNDERLYINGS=ALL; SPOT_KLINES=1m:0 (no start-up kline backfill for ~2,000 symbols; the 1m kline loop still polls closed candles); BINANCE_WEIGHT_SHARE default 0.8',
  },
  {
    name: 'fullUniverseStreams',
    universe: 'full',
    env: {
      CAPTURE_MODE: 'ws',
      SPOT_SYMBOLS: 'ALL',
      FUTURES_SYMBOLS: 'ALL',
      OPTIONS_UNDERLYINGS: 'ALL',
      SPOT_KLINES: '1m:0',
    },
    note: 'as fullUniverse, with CAPTURE_MODE=ws: tickers, marks and chains over real WebSockets from the simulator (STREAM_CONFLATE_MS 1000); REST for exchangeInfo, 1m klines and futures open interest, in a 3 % share',
  },
];

interface Observation {
  t: number;
  used: number;
}

/** Largest server count per window (ms start), late responses folded into their window. */
function headerMaxByWindow(obs: readonly Observation[]): Map<number, number> {
  const max = new Map<number, number>();
  for (const o of obs) {
    let w = o.t - (o.t % MINUTE);
    const prev = max.get(w - MINUTE);
    if (o.t - w < 1_000 && prev !== undefined && o.used >= prev) w -= MINUTE;
    max.set(w, Math.max(max.get(w) ?? 0, o.used));
  }
  return max;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

function diffCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(b)) {
    const d = v - (a[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

async function runScenario(spec: ScenarioSpec): Promise<Record<string, unknown>> {
  const sim = load<typeof SimModule>('libs/binance-sim/dist/index.js');
  const busLib = load<typeof BusModule>('libs/bus/dist/index.js');
  const binance = load<typeof BinanceModule>('libs/binance/dist/index.js');
  const runtime = load<typeof RuntimeModule>('libs/runtime/dist/index.js');
  const contracts = load<typeof ContractsModule>('libs/contracts/dist/index.js');
  const spotLib = load<typeof SpotModule>('services/capture-spot/dist/index.js');
  const futuresLib = load<typeof FuturesModule>('services/capture-futures/dist/index.js');
  const optionsLib = load<typeof OptionsModule>('services/capture-options/dist/index.js');
  const { Registry } = createRequire(join(ROOT, 'libs/binance/package.json'))('prom-client') as typeof PromClient;

  const t0 = Date.now();
  const simulator = await sim.startSimulator({ port: 0, universe: spec.universe, seed: 1 });
  const simReadyMs = Date.now() - t0;
  const logger = runtime.createLogger('bench', 'silent');
  const metrics = new Registry();
  // Retention above any one burst: at the full universe one publish carries ~2,000 tickers or
  // closed candles, and a smaller log would drop records before the counter read them.
  const bus = new busLib.MemoryBus({ retainPerTopic: 50_000 });
  await bus.start();

  // Deliveries per topic per clock minute.
  const captureTopics = [
    contracts.TOPICS.spotTicker,
    contracts.TOPICS.spotKline,
    contracts.TOPICS.futuresTicker,
    contracts.TOPICS.optionsChain,
  ] as const;
  const deliveries = new Map<number, Record<string, number>>();
  // Per topic, in the measured window (set once it is known): symbols seen and eventTime latency.
  const measuring = { start: Infinity, end: -Infinity };
  const symbolsSeen: Record<string, Set<string>> = {};
  const latencies: Record<string, number[]> = {};
  const pipeline: Record<string, number[]> = {};
  const counter = await bus.subscribe({
    groupId: 'bench-counter',
    topics: captureTopics,
    handler: (m) => {
      const now = Date.now();
      const w = now - (now % MINUTE);
      let c = deliveries.get(w);
      if (c === undefined) deliveries.set(w, (c = {}));
      c[m.topic] = (c[m.topic] ?? 0) + 1;
      if (now < measuring.start || now >= measuring.end) return;
      (symbolsSeen[m.topic] ??= new Set()).add(m.key);
      if (m.topic !== contracts.TOPICS.spotKline) {
        const v = m.value as { eventTime: number; captureTime: number };
        (latencies[m.topic] ??= []).push(now - v.eventTime);
        (pipeline[m.topic] ??= []).push(now - v.captureTime);
      }
    },
  });

  const env: NodeJS.ProcessEnv = {
    BINANCE_SPOT_URL: simulator.url,
    BINANCE_FUTURES_URL: simulator.url,
    BINANCE_OPTIONS_URL: simulator.url,
    BINANCE_SPOT_WS_URL: simulator.wsUrl,
    BINANCE_FUTURES_WS_URL: simulator.wsUrl,
    BINANCE_OPTIONS_WS_URL: simulator.wsUrl,
    ...spec.env,
  };
  const clientConfig = runtime.parseConfig(binance.BINANCE_CLIENT_CONFIG, env);
  const headerObs: Record<Product, Observation[]> = { spot: [], futures: [], options: [] };
  const budgetMax: Record<Product, Map<number, number>> = { spot: new Map(), futures: new Map(), options: new Map() };
  const clients = {} as Record<Product, InstanceType<typeof BinanceModule.BinanceRestClient>>;
  for (const product of PRODUCTS) {
    const client = new binance.BinanceRestClient({
      product,
      baseUrl: simulator.url,
      logger,
      metrics,
      timeoutMs: clientConfig.BINANCE_TIMEOUT_MS,
      retries: clientConfig.BINANCE_RETRIES,
      breaker: { resetTimeoutMs: clientConfig.BINANCE_BREAKER_RESET_MS },
    });
    // Every X-MBX-USED-WEIGHT-1M the client reads goes through observeUsed: record it on the way.
    const budget = client.budget;
    const observe = budget.observeUsed.bind(budget);
    budget.observeUsed = (used: number, at?: number): void => {
      headerObs[product].push({ t: Date.now(), used });
      observe(used, at);
    };
    clients[product] = client;
  }
  const sampler = setInterval(() => {
    for (const product of PRODUCTS) {
      const s = clients[product].budget.snapshot();
      const m = budgetMax[product];
      m.set(s.windowStart, Math.max(m.get(s.windowStart) ?? 0, s.used));
    }
  }, 100);

  const common = { bus, logger, metrics };
  const captures = {
    spot: new spotLib.SpotCapture({
      ...common,
      client: clients.spot,
      config: runtime.parseConfig(spotLib.CAPTURE_SPOT_CONFIG, env),
    }),
    futures: new futuresLib.FuturesCapture({
      ...common,
      client: clients.futures,
      config: runtime.parseConfig(futuresLib.CAPTURE_FUTURES_CONFIG, env),
    }),
    options: new optionsLib.OptionsCapture({
      ...common,
      client: clients.options,
      config: runtime.parseConfig(optionsLib.CAPTURE_OPTIONS_CONFIG, env),
    }),
  };
  const controller = new AbortController();
  const tStart = Date.now();
  await Promise.all(PRODUCTS.map((p) => captures[p].start(controller.signal)));
  const startedAt = Date.now();

  // The first complete clock-aligned minute after every capture has started.
  const windowStart = startedAt - (startedAt % MINUTE) + MINUTE;
  const windowEnd = windowStart + MINUTE;
  measuring.start = windowStart;
  measuring.end = windowEnd;
  const cadenceSamples: Record<string, Record<Product, Record<string, number>>> = {};
  const takeCadences = (): Record<Product, Record<string, number>> =>
    Object.fromEntries(PRODUCTS.map((p) => [p, captures[p].cadences()])) as Record<Product, Record<string, number>>;
  cadenceSamples['afterStart'] = takeCadences();
  await sleep(windowStart - Date.now());
  const statsAtStart = simulator.stats();
  cadenceSamples['windowStart'] = takeCadences();
  await sleep(windowStart + MINUTE / 2 - Date.now());
  cadenceSamples['windowMiddle'] = takeCadences();
  await sleep(windowEnd - Date.now());
  const statsAtEnd = simulator.stats();
  cadenceSamples['windowEnd'] = takeCadences();
  await sleep(TAIL_MS);

  controller.abort();
  await Promise.all(PRODUCTS.map((p) => captures[p].stop()));
  clearInterval(sampler);
  for (const product of PRODUCTS) await clients[product].close();
  await counter.stop();
  await bus.stop();
  const totals = simulator.stats();
  await simulator.close();

  const startupWindow = tStart - (tStart % MINUTE);
  const products: Record<string, unknown> = {};
  for (const product of PRODUCTS) {
    const limit = clients[product].budget.snapshot().limit;
    const header = headerMaxByWindow(headerObs[product]);
    const used = header.get(windowStart) ?? Number.NaN;
    const clientUsed = budgetMax[product].get(windowStart) ?? Number.NaN;
    const startupUsed = header.get(startupWindow) ?? Number.NaN;
    products[product] = {
      limit,
      weightUsed: used,
      share: round(used / limit, 4),
      clientBudgetCount: clientUsed,
      clientBudgetShare: round(clientUsed / limit, 4),
      headerObservationsInWindow: headerObs[product].filter((o) => o.t >= windowStart && o.t < windowEnd).length,
      startupMinute: {
        windowStart: new Date(startupWindow).toISOString(),
        weightUsed: startupUsed,
        share: round(startupUsed / limit, 4),
        note: 'partial minute containing exchangeInfo and the start-up backfill; not part of the steady-state number',
      },
      cadencesMs: cadenceSamples['windowEnd']?.[product],
    };
  }
  const inWindow = deliveries.get(windowStart) ?? {};
  const recordsPerSecond: Record<string, number> = {};
  for (const topic of captureTopics) recordsPerSecond[topic] = round((inWindow[topic] ?? 0) / 60, 2);
  const published: Record<string, unknown> = {};
  for (const topic of captureTopics) {
    const seen = symbolsSeen[topic]?.size ?? 0;
    const sorted = (xs: number[] | undefined): number[] => [...(xs ?? [])].sort((a, b) => a - b);
    const lat = sorted(latencies[topic]);
    const pipe = sorted(pipeline[topic]);
    const pick = (xs: number[], q: number): number | null => percentileOfSorted(xs, q * 100);
    const at = (q: number): number | null => pick(lat, q);
    published[topic] = {
      symbols: seen,
      recordsPerSymbolPerSecond: seen === 0 ? 0 : round((inWindow[topic] ?? 0) / seen / 60, 3),
      eventTimeToBusMs:
        topic === contracts.TOPICS.spotKline ? null : { samples: lat.length, p50: at(0.5), p99: at(0.99) },
      captureTimeToBusMs: topic === contracts.TOPICS.spotKline ? null : { p50: pick(pipe, 0.5), p99: pick(pipe, 0.99) },
    };
  }
  const requestsInWindow: Record<string, { count: number; perSecond: number; meanIntervalMs: number }> = {};
  for (const [path, p] of Object.entries(statsAtEnd.byPath)) {
    const count = p.count - (statsAtStart.byPath[path]?.count ?? 0);
    if (count > 0)
      requestsInWindow[path] = { count, perSecond: round(count / 60, 3), meanIntervalMs: Math.round(MINUTE / count) };
  }
  return {
    scenario: spec.name,
    universe: spec.universe,
    env: spec.env,
    note: spec.note,
    simulatorStartMs: simReadyMs,
    captureStartMs: startedAt - tStart,
    window: { start: new Date(windowStart).toISOString(), end: new Date(windowEnd).toISOString() },
    products,
    recordsPerSecond,
    recordsInWindow: inWindow,
    published,
    requestsInWindow,
    cadenceSamplesMs: cadenceSamples,
    statusInWindow: diffCounts(statsAtStart.byStatus, statsAtEnd.byStatus),
    statusWholeRun: totals.byStatus,
    rateLimited429: totals.byStatus['429'] ?? 0,
    banned418: totals.byStatus['418'] ?? 0,
    totalRunMs: Date.now() - t0,
  };
}

/** Runs both scenarios side by side, each in a child process; writes reports/bench/weights.json. */
export async function runWeightsBench(): Promise<string> {
  const started = Date.now();
  const results = await Promise.all(
    SCENARIOS.map(
      (spec) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const child = fork(HERE, ['--scenario', spec.name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          let result: Record<string, unknown> | undefined;
          child.on('message', (m) => (result = m as Record<string, unknown>));
          child.on('error', reject);
          child.on('exit', (code) =>
            result !== undefined ? resolve(result) : reject(new Error(`weights ${spec.name}: child exited ${code}`)),
          );
        }),
    ),
  );
  const scenarios: Record<string, unknown> = {};
  for (const r of results) {
    scenarios[r['scenario'] as string] = r;
    const prods = r['products'] as Record<
      string,
      { share: number; weightUsed: number; limit: number; cadencesMs: unknown }
    >;
    console.log(
      `weights ${String(r['scenario']).padEnd(16)} window ${(r['window'] as { start: string }).start}: ` +
        PRODUCTS.map(
          (p) =>
            `${p} ${prods[p]?.weightUsed}/${prods[p]?.limit} (${((prods[p]?.share ?? 0) * 100).toFixed(1)} %) cadence ${JSON.stringify(prods[p]?.cadencesMs)}`,
        ).join('; ') +
        `; 429=${r['rateLimited429']} 418=${r['banned418']}`,
    );
  }
  return writeReport('weights', {
    method: {
      note: 'both scenarios run concurrently in separate child processes, each with its own in-process simulator (weight is counted per simulator); measured window = first complete clock-aligned minute after every capture.start() resolved',
      weightSource:
        'largest X-MBX-USED-WEIGHT-1M value returned by the simulator in the window (server count incl. the request); clientBudgetCount = largest client.budget.snapshot().used sampled every 100 ms',
      recordsPerSecond: 'MemoryBus deliveries to one subscriber of the capture topics in the window / 60',
      targets: { defaultUniverseShare: '< 10 % per product', fullUniverseShare: '< 80 % per product, zero 429/418' },
    },
    totalMs: Date.now() - started,
    scenarios,
  });
}

// Child-process entry: `node weights.ts --scenario <name>`.
const flag = process.argv.indexOf('--scenario');
if (flag !== -1) {
  const spec = SCENARIOS.find((s) => s.name === process.argv[flag + 1]);
  if (spec === undefined) throw new Error(`unknown scenario ${process.argv[flag + 1]}`);
  runScenario(spec).then(
    (r) => process.send?.(r, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else if (process.argv[1] === HERE) {
  console.log(`wrote ${await runWeightsBench()}`);
}

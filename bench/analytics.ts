// Compute time per cycle of the analytics and the consolidator join at the full-size universe, on
// one core (this process, single-threaded), against each service's cadence (target: < 10 % of it).
//
//   quantum       QuantumService.records() for 2,000 symbols whose ticker advanced (scores cached
//                 after the first tick, as the service does); also the cold first tick (scoreSymbol
//                 for every symbol) and the same tick plus the MemoryBus publish (contract checks).
//   psych         2,000 PsychComputable with full windows (61 one-minute candles, 15 min of tickers
//                 every 5 s, funding for 500): per cycle one new spot (and futures) ticker each, then
//                 assess() + psychRecord() + commit() for all — what PsychService.records() does.
//   srona         evaluateUnderlying for 6 underlyings x 256 contracts, 30 days of hourly candles
//                 (inputs built like services/srona/test cost test: Black-Scholes-priced chain,
//                 random-walk history).
//   consolidator  SymbolState apply of 2,000 spot + 500 futures + 2,000 quantum + 2,000 psych records
//                 (quantum and psych records as the services above built them, eventTimes advanced
//                 each cycle), then buildUnified for every changed symbol: records/s on one core.
//
// Each cycle is timed on its own with performance.now(); inputs for the next cycle are prepared
// outside the timed region. Median and quartiles over the samples after a warm-up.
import type * as PromClient from 'prom-client';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Throughput, summarize } from './lib/measure.ts';
import { writeReport } from './lib/report.ts';

import type * as ContractsModule from '../libs/contracts/src/index.ts';
import type * as BusModule from '../libs/bus/src/index.ts';
import type * as QuantModule from '../libs/quant/src/index.ts';
import type * as RuntimeModule from '../libs/runtime/src/index.ts';
import type * as QuantumModule from '../services/quantum/src/index.ts';
import type * as PsychModule from '../services/psych/src/index.ts';
import type * as SronaModule from '../services/srona/src/index.ts';
import type * as ConsolidatorModule from '../services/consolidator/src/index.ts';
import type {
  FuturesTicker,
  OptionContract,
  OptionsChain,
  PsychState,
  QuantumScore,
  SpotKline,
  SpotTicker,
} from '../libs/contracts/src/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const load = <T>(path: string): T => require(join(ROOT, path)) as T;

const contracts = load<typeof ContractsModule>('libs/contracts/dist/index.js');
const busLib = load<typeof BusModule>('libs/bus/dist/index.js');
const quant = load<typeof QuantModule>('libs/quant/dist/index.js');
const runtime = load<typeof RuntimeModule>('libs/runtime/dist/index.js');
const quantumLib = load<typeof QuantumModule>('services/quantum/dist/index.js');
const psychLib = load<typeof PsychModule>('services/psych/dist/index.js');
const sronaLib = load<typeof SronaModule>('services/srona/dist/index.js');
const consolidatorLib = load<typeof ConsolidatorModule>('services/consolidator/dist/index.js');
const { Registry } = createRequire(join(ROOT, 'services/quantum/package.json'))('prom-client') as typeof PromClient;

const SPOT_SYMBOLS = 2_000;
const FUTURES_SYMBOLS = 500;
const MINUTE = 60_000;
const DAY_MS = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 2, 1);
const WARMUP = 10;
const SAMPLES = 40;

const symbolOf = (i: number): string => `S${i}USDT`;

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench setup: ${message}`);
}

function spotTicker(symbol: string, t: number, price: number, quoteVolume = 5e8, spreadBps = 1): SpotTicker {
  const half = (price * spreadBps) / 20_000;
  return {
    symbol,
    eventTime: t,
    captureTime: t + 20,
    source: 'binance.spot.rest',
    lastPrice: price,
    openPrice: price * 0.99,
    highPrice: price * 1.02,
    lowPrice: price * 0.98,
    priceChange: price * 0.01,
    priceChangePercent: 1,
    weightedAvgPrice: price,
    volume: quoteVolume / price,
    quoteVolume,
    bidPrice: price - half,
    bidQty: 1,
    askPrice: price + half,
    askQty: 1,
    openTime: t - DAY_MS,
    tradeCount: 1000,
    closeTime: t,
  };
}

function futuresTicker(symbol: string, t: number, price: number, fundingRate: number): FuturesTicker {
  return {
    symbol,
    eventTime: t,
    captureTime: t + 20,
    source: 'binance.futures.rest',
    contractType: 'PERPETUAL',
    lastPrice: price,
    priceChangePercent: 1,
    highPrice: price * 1.02,
    lowPrice: price * 0.98,
    volume: 1000,
    quoteVolume: 1000 * price,
    markPrice: price,
    indexPrice: price * 0.9999,
    fundingRate,
    nextFundingTime: t + HOUR,
    openInterest: 1000,
    openInterestValue: 1000 * price,
    openInterestTime: t - 5_000,
    basis: price * 0.0001,
    basisRate: 0.0001,
    deliveryTime: null,
    timeToExpiryMs: null,
    fundingIntervalHours: 8,
    interestRate: 0.0001,
  };
}

function kline(symbol: string, openTime: number, close: number): SpotKline {
  return {
    symbol,
    eventTime: openTime + MINUTE - 1,
    captureTime: openTime + MINUTE + 50,
    source: 'binance.spot.rest',
    interval: '1m',
    openTime,
    closeTime: openTime + MINUTE - 1,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1,
    quoteVolume: close,
    tradeCount: 1,
    takerBuyBaseVolume: 0.5,
    takerBuyQuoteVolume: close / 2,
  };
}

interface CycleResult {
  cycleMs: number;
  msPerCycle: Throughput;
  /** median ms / cycle ms */
  shareOfCycle: number;
  [extra: string]: unknown;
}

/** Times `cycle` SAMPLES times after WARMUP runs; `prepare` (untimed) runs before each. */
function timeCycles(prepare: (i: number) => void, cycle: () => number, warmup = WARMUP, samples = SAMPLES): number[] {
  let sink = 0;
  const out: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    prepare(i);
    const start = performance.now();
    sink += cycle();
    const ms = performance.now() - start;
    if (i >= warmup) out.push(ms);
  }
  if (sink === -1) console.log('unreachable');
  return out;
}

function result(cycleMs: number, samples: number[], extra: Record<string, unknown> = {}): CycleResult {
  const t = summarize(samples);
  return { cycleMs, msPerCycle: t, shareOfCycle: t.median / cycleMs, ...extra };
}

const fmt = (r: CycleResult): string =>
  `${r.msPerCycle.median.toFixed(3)} ms (IQR ${r.msPerCycle.p25.toFixed(3)}-${r.msPerCycle.p75.toFixed(3)}) = ${(r.shareOfCycle * 100).toFixed(2)} % of ${r.cycleMs} ms`;

// ---------------------------------------------------------------- quantum
function quantumBench(): { results: Record<string, CycleResult>; records: QuantumScore[] } {
  const config = runtime.parseConfig(quantumLib.QUANTUM_CONFIG, {});
  const cycleMs = config.QUANTUM_INTERVAL_MS;
  const service = new quantumLib.QuantumService({
    bus: new busLib.MemoryBus(),
    logger: runtime.createLogger('bench', 'silent'),
    metrics: new Registry(),
    config,
  });
  // The service learns symbols and eventTimes from market.spot.ticker; fill that map directly.
  const latest = (service as unknown as { latest: Map<string, number> }).latest;
  let t = NOW;
  const advance = (): void => {
    t += 1_000;
    for (let i = 0; i < SPOT_SYMBOLS; i++) latest.set(symbolOf(i), t);
  };
  const emitted = (service as unknown as { emitted: Map<string, number> }).emitted;
  const markEmitted = (records: QuantumScore[]): void => {
    for (const r of records) emitted.set(r.symbol, r.eventTime);
  };

  // Cold: scoreSymbol for every symbol (first tick after start, or a new symbol).
  const params = quantumLib.quantumParams(config.QUANTUM_UNIVERSAL_FREQUENCY, config.QUANTUM_COLS);
  let k = 0;
  const cold = timeCycles(
    () => k++,
    () => {
      let n = 0;
      for (let i = 0; i < SPOT_SYMBOLS; i++)
        n += quantumLib.scoreSymbol(`${symbolOf(i)}${k}`, params, config.QUANTUM_WEIGHTS, 0, 0).factors.length;
      return n;
    },
    3,
    15,
  );

  let records: QuantumScore[] = [];
  const tick = timeCycles(
    () => {
      markEmitted(records);
      advance();
    },
    () => {
      records = service.records(t);
      return records.length;
    },
  );
  check(records.length === SPOT_SYMBOLS, `quantum: ${records.length} records per tick`);
  const bus = new busLib.MemoryBus({ retainPerTopic: 10 });
  const withPublish = timeCycles(
    () => {
      markEmitted(records);
      advance();
    },
    () => {
      records = service.records(t);
      void bus.publish(
        contracts.TOPICS.quantum,
        records.map((r) => ({ key: r.symbol, value: r })),
      );
      return records.length;
    },
  );
  return {
    results: {
      tick: result(cycleMs, tick, {
        symbols: SPOT_SYMBOLS,
        what: 'QuantumService.records(): 2,000 records, scores cached',
      }),
      coldScoring: result(cycleMs, cold, {
        symbols: SPOT_SYMBOLS,
        what: 'scoreSymbol for 2,000 new symbols (first tick only)',
      }),
      tickWithPublish: result(cycleMs, withPublish, {
        symbols: SPOT_SYMBOLS,
        what: 'records() + MemoryBus.publish (contract validation of every record), no subscribers',
      }),
    },
    records,
  };
}

// ---------------------------------------------------------------- psych
function psychBench(): { results: Record<string, CycleResult>; records: PsychState[] } {
  const config = runtime.parseConfig(psychLib.PSYCH_CONFIG, {});
  const cycleMs = config.PSYCH_INTERVAL_MS;
  const params = psychLib.psychParams(config);
  const end = NOW;
  const computables: InstanceType<typeof PsychModule.PsychComputable>[] = [];
  const price = (i: number, m: number): number => (10 + i) * Math.exp(0.001 * m * Math.sin(i + m / 7));
  for (let i = 0; i < SPOT_SYMBOLS; i++) {
    const c = new psychLib.PsychComputable(params);
    const symbol = symbolOf(i);
    for (let m = -61; m < 0; m++) c.addKline(kline(symbol, end + m * MINUTE, price(i, m + 1)));
    for (let t = end - 15 * MINUTE; t <= end; t += 5_000) {
      const m = (t - end) / MINUTE;
      c.addSpot(spotTicker(symbol, t, price(i, m), 5e8 * (1 + 0.002 * (m + 60)), 1 + (i % 3)));
      if (i < FUTURES_SYMBOLS) c.addFutures(futuresTicker(symbol, t, price(i, m), 0.0001 + 0.000002 * m));
    }
    computables.push(c);
  }
  const first = computables[0]?.assess();
  check(first?.status === 'READY', `psych: a full window must assess READY (got ${first?.status})`);

  let t = end;
  let records: PsychState[] = [];
  // The next cycle's inputs (one spot ticker per symbol, one futures ticker for 500), built untimed.
  let spots: SpotTicker[] = [];
  let futs: FuturesTicker[] = [];
  const prepare = (): void => {
    t += cycleMs;
    const m = (t - end) / MINUTE;
    spots = computables.map((_, i) => spotTicker(symbolOf(i), t, price(i, m), 5e8, 1 + (i % 3)));
    futs = computables
      .slice(0, FUTURES_SYMBOLS)
      .map((_, i) => futuresTicker(symbolOf(i), t, price(i, m), 0.0001 + 0.000002 * m));
  };
  const ingest = (): number => {
    let n = 0;
    for (let i = 0; i < spots.length; i++)
      if ((computables[i] as (typeof computables)[number]).addSpot(spots[i] as SpotTicker)) n++;
    for (let i = 0; i < futs.length; i++)
      if ((computables[i] as (typeof computables)[number]).addFutures(futs[i] as FuturesTicker)) n++;
    return n;
  };
  const assessAll = (): number => {
    records = [];
    for (let i = 0; i < computables.length; i++) {
      const c = computables[i] as (typeof computables)[number];
      const r = psychLib.psychRecord(symbolOf(i), c.assess(), t, params.windowMs);
      records.push(r);
      c.commit(r);
    }
    return records.length;
  };
  const tick = timeCycles(() => {
    prepare();
    ingest();
  }, assessAll);
  const ingestOnly = timeCycles(prepare, ingest);
  const ready = records.filter((r) => r.status === 'READY').length;
  check(records.length === SPOT_SYMBOLS, 'psych: one record per symbol');
  return {
    results: {
      tick: result(cycleMs, tick, {
        symbols: SPOT_SYMBOLS,
        readyRecords: ready,
        what: 'assess() + psychRecord() + commit() for 2,000 symbols with full windows',
      }),
      ingest: result(cycleMs, ingestOnly, {
        records: SPOT_SYMBOLS + FUTURES_SYMBOLS,
        what: 'addSpot for 2,000 + addFutures for 500 (one cycle of ticker input; done by the subscriber, not the tick)',
      }),
    },
    records,
  };
}

// ---------------------------------------------------------------- srona
function priced(side: 'CALL' | 'PUT', strike: number, days: number, iv: number, volume: number): OptionContract {
  const o = {
    side: side === 'CALL' ? ('call' as const) : ('put' as const),
    spot: 100,
    strike,
    years: days / 365,
    vol: iv,
    rate: 0,
  };
  const mark = quant.blackScholesPrice(o);
  const g = quant.blackScholesGreeks(o);
  return {
    symbol: `BTC-${days}D-${strike}-${side === 'CALL' ? 'C' : 'P'}`,
    side,
    strike,
    expiryTime: NOW + days * DAY_MS,
    unit: 1,
    bidPrice: mark * 0.97,
    askPrice: mark * 1.03,
    bidQty: null,
    askQty: null,
    markPrice: mark,
    lastPrice: mark,
    volume,
    openInterest: 20 + strike / 10,
    openInterestUsd: (20 + strike / 10) * 100,
    markIV: iv,
    bidIV: iv - 0.01,
    askIV: iv + 0.01,
    delta: g.delta,
    gamma: g.gamma,
    theta: g.theta,
    vega: g.vega,
  };
}

function optionsChain(underlying: string, cs: OptionContract[]): OptionsChain {
  let callOpenInterest = 0;
  let putOpenInterest = 0;
  let callVolume = 0;
  let putVolume = 0;
  const expiries = new Set<number>();
  for (const c of cs) {
    expiries.add(c.expiryTime);
    if (c.side === 'CALL') {
      callOpenInterest += c.openInterest ?? 0;
      callVolume += c.volume;
    } else {
      putOpenInterest += c.openInterest ?? 0;
      putVolume += c.volume;
    }
  }
  return {
    underlying,
    eventTime: NOW - 1_000,
    captureTime: NOW - 900,
    source: 'bench',
    indexPrice: 100,
    contracts: cs,
    summary: {
      contractCount: cs.length,
      expiryCount: expiries.size,
      nearestExpiryTime: Math.min(...expiries),
      atmStrike: null,
      atmIV: null,
      callOpenInterest,
      putOpenInterest,
      callVolume,
      putVolume,
      putCallOpenInterestRatio: putOpenInterest / callOpenInterest,
      putCallVolumeRatio: putVolume / callVolume,
    },
  };
}

/** Deterministic PRNG (mulberry32) and a geometric random walk of hourly closes ending at 100. */
function randomWalk(n: number, vol: number, seed: number): number[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const sd = vol * Math.sqrt(HOUR / (365 * DAY_MS));
  const logs = [0];
  for (let i = 1; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12))) * Math.cos(2 * Math.PI * next());
    logs.push((logs[i - 1] as number) + sd * z);
  }
  const shift = Math.log(100) - (logs[n - 1] as number);
  return logs.map((l) => Math.exp(l + shift));
}

function sronaBench(): Record<string, CycleResult> {
  const config = runtime.parseConfig(sronaLib.SRONA_CONFIG, {});
  const cycleMs = config.SRONA_INTERVAL_MS;
  const p = sronaLib.DEFAULT_PARAMS;
  const universe: SronaModule.UnderlyingInputs[] = [
    'BTCUSDT',
    'ETHUSDT',
    'BNBUSDT',
    'SOLUSDT',
    'XRPUSDT',
    'DOGEUSDT',
  ].map((underlying, i) => {
    const cs: OptionContract[] = [];
    for (const days of [1, 3, 7, 14, 21, 30, 60, 90]) {
      for (let strike = 70; strike <= 145; strike += 5) {
        cs.push(priced('CALL', strike, days, 0.6 + strike / 500, 1 + (strike % 7)));
        cs.push(priced('PUT', strike, days, 0.6 + (200 - strike) / 500, 1 + (strike % 5)));
      }
    }
    const chain = optionsChain(underlying, cs);
    const closes = randomWalk(24 * 30, 0.3 + i / 10, i + 1);
    const history = new sronaLib.CandleHistory(HOUR, 100_000);
    const lastOpen = Math.floor((NOW - 60_000) / HOUR) * HOUR - HOUR;
    closes.forEach((c, k) => {
      const openTime = lastOpen - (closes.length - 1 - k) * HOUR;
      history.add(openTime, c, openTime + HOUR - 1);
    });
    return {
      underlying,
      chain,
      stats: sronaLib.chainStats(chain),
      spot: spotTicker(underlying, NOW - 500, 100),
      history,
      moves: new sronaLib.MoveDistributionCache(p.frequencyMinSpans),
    };
  });
  const contractsTotal = universe.reduce((s, x) => s + x.chain.contracts.length, 0);
  let opportunities = 0;
  const evaluate = (): number => {
    opportunities = 0;
    for (const x of universe) opportunities += sronaLib.evaluateUnderlying(x, p, NOW).opportunities.length;
    return opportunities;
  };
  const coldStart = performance.now();
  evaluate(); // builds the move distributions (once per new candle)
  const coldMs = performance.now() - coldStart;
  check(opportunities > 0, 'srona: the chain must yield opportunities');
  const tick = timeCycles(() => undefined, evaluate, 20, 50);
  // A new chain every tick also recomputes the chain aggregates.
  const statsSamples = timeCycles(
    () => undefined,
    () => {
      for (const x of universe) x.stats = sronaLib.chainStats(x.chain);
      return 1;
    },
  );
  return {
    tick: result(cycleMs, tick, {
      underlyings: universe.length,
      contracts: contractsTotal,
      hourlyCandles: 24 * 30,
      opportunities,
      firstTickColdMs: coldMs,
      what: 'evaluateUnderlying for 6 underlyings x 256 contracts, 30 days of 1h candles (move distributions cached after the first tick)',
    }),
    chainAggregates: result(cycleMs, statsSamples, {
      what: 'chainStats for the 6 chains (once per new chain)',
    }),
  };
}

// ---------------------------------------------------------------- consolidator
function consolidatorBench(quantum: readonly QuantumScore[], psych: readonly PsychState[]): Record<string, unknown> {
  const config = runtime.parseConfig(consolidatorLib.CONSOLIDATOR_CONFIG, {});
  const staleMs = config.CONSOLIDATOR_STALE_MS;
  check(quantum.length === SPOT_SYMBOLS && psych.length === SPOT_SYMBOLS, 'consolidator: analytics records');
  const baseSpot = Array.from({ length: SPOT_SYMBOLS }, (_, i) => spotTicker(symbolOf(i), NOW, 10 + i));
  const baseFutures = Array.from({ length: FUTURES_SYMBOLS }, (_, i) =>
    futuresTicker(symbolOf(i), NOW, 10 + i, 0.0001),
  );
  const states = new Map<string, InstanceType<typeof ConsolidatorModule.SymbolState>>();
  const recordsPerCycle = SPOT_SYMBOLS * 3 + FUTURES_SYMBOLS;
  let spots: SpotTicker[] = [];
  let futs: FuturesTicker[] = [];
  let qs: QuantumScore[] = [];
  let ps: PsychState[] = [];
  let t = NOW;
  const prepare = (): void => {
    t += 1_000;
    spots = baseSpot.map((r) => ({ ...r, eventTime: t }));
    futs = baseFutures.map((r) => ({ ...r, eventTime: t }));
    qs = quantum.map((r) => ({ ...r, eventTime: t }));
    ps = psych.map((r) => ({ ...r, eventTime: t }));
  };
  const stateOf = (symbol: string): InstanceType<typeof ConsolidatorModule.SymbolState> => {
    let s = states.get(symbol);
    if (s === undefined) states.set(symbol, (s = new consolidatorLib.SymbolState(symbol)));
    return s;
  };
  let built = 0;
  const apply = (): number => {
    let accepted = 0;
    for (const r of spots) if (stateOf(r.symbol).applySpot(r, t)) accepted++;
    for (const r of futs) if (stateOf(r.symbol).applyFutures(r, t)) accepted++;
    for (const r of qs) if (stateOf(r.symbol).applyQuantum(r, t)) accepted++;
    for (const r of ps) if (stateOf(r.symbol).applyPsych(r, t)) accepted++;
    return accepted;
  };
  const join = (): number => {
    const accepted = apply();
    built = 0;
    for (const s of states.values()) {
      if (!s.changedSinceEmit(t + 5, staleMs)) continue;
      const u = consolidatorLib.buildUnified(s, t + 5, { staleMs });
      s.emittedVersion = s.version;
      if (u.symbol === s.symbol) built++;
    }
    return accepted;
  };
  const joinMs = timeCycles(prepare, join);
  check(built === SPOT_SYMBOLS, `consolidator: ${built} unified records per cycle`);
  const applyMs = timeCycles(prepare, apply);
  const toRate = (ms: number[]): number[] => ms.map((x) => recordsPerCycle / (x / 1000));
  const joinRate = summarize(toRate(joinMs));
  return {
    recordsPerCycle,
    unifiedPerCycle: SPOT_SYMBOLS,
    what: 'per cycle: SymbolState apply of 2,000 spot + 500 futures + 2,000 quantum + 2,000 psych records (all newer), then buildUnified for each of the 2,000 changed symbols; records/s = applied input records / time',
    joinRecordsPerSecond: joinRate,
    joinMsPerCycle: summarize(joinMs),
    applyOnlyRecordsPerSecond: summarize(toRate(applyMs)),
    target: '>= 100,000 records/s',
  };
}

export function runAnalyticsBench(): string {
  const started = performance.now();
  const quantum = quantumBench();
  console.log(`analytics quantum  tick ${fmt(quantum.results['tick'] as CycleResult)}`);
  const psych = psychBench();
  console.log(`analytics psych    tick ${fmt(psych.results['tick'] as CycleResult)}`);
  const srona = sronaBench();
  console.log(`analytics srona    tick ${fmt(srona['tick'] as CycleResult)}`);
  const consolidator = consolidatorBench(quantum.records, psych.records);
  const rate = consolidator['joinRecordsPerSecond'] as Throughput;
  console.log(
    `analytics consolidator join ${Math.round(rate.median).toLocaleString('en-US')} records/s (IQR ${Math.round(rate.p25).toLocaleString('en-US')}-${Math.round(rate.p75).toLocaleString('en-US')})`,
  );
  return writeReport('analytics', {
    method: {
      warmupCycles: WARMUP,
      samples: SAMPLES,
      note: 'each cycle timed alone (performance.now) on the main thread = one core; inputs for the next cycle prepared untimed; median and quartiles over samples; shareOfCycle = median ms / the service default cadence',
      target: 'analytics < 10 % of the cycle; consolidator >= 100,000 records/s',
    },
    totalMs: Math.round(performance.now() - started),
    quantum: quantum.results,
    psych: psych.results,
    srona,
    consolidator,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`wrote ${runAnalyticsBench()}`);

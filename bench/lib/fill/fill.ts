// Synthetic topic fill for bench/restart.ts: the records one span of full-universe traffic leaves
// in the input topics, in time order, each with the producer timestamp (CreateTime) it would carry.
// Pure (no Kafka, no simulator): the universe comes in as plain data, so this is unit-testable.
//
// Density: per key, one record every `fullMs` in the newest `fullRateMs` of the span and one every
// `reducedMs` before that; keys are phase-shifted inside each interval so the stream is ascending.
// Candles are written at their natural density (one per symbol per interval) over their history.
import type {
  FuturesTicker,
  OptionContract,
  OptionsChain,
  PsychState,
  QuantumScore,
  SpotKline,
  SpotTicker,
  SronaReport,
} from '../../../libs/contracts/src/index.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** "90s", "30m", "1h", "6h", "24h", "30d" → ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (m === null) throw new Error(`not a duration: "${text}" (e.g. 1h, 30m, 24h)`);
  const unit = { ms: 1, s: 1000, m: MINUTE, h: HOUR, d: DAY }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}

/** One record of a stream: key, the value the contract carries, and its producer timestamp. */
export interface FillRecord<V> {
  key: string;
  value: V;
  timestamp: number;
}

/**
 * Slot starts of one keyed stream over [end - spanMs, end): every `fullMs` from the full-rate
 * boundary (end - fullRateMs) on, and every `reducedMs` before it, counted back from the boundary
 * (so the last reduced slot is a whole reduced interval before the first full one). Ascending.
 */
export function slotTimes(
  end: number,
  spanMs: number,
  fullRateMs: number,
  fullMs: number,
  reducedMs: number,
): number[] {
  const start = end - spanMs;
  const boundary = end - Math.min(fullRateMs, spanMs);
  const out: number[] = [];
  for (let t = boundary - reducedMs * Math.floor((boundary - start) / reducedMs); t < boundary; t += reducedMs)
    if (t >= start) out.push(t);
  for (let t = boundary; t < end; t += fullMs) out.push(t);
  return out;
}

/** Number of slots slotTimes would return, without building them. */
export function slotCount(spanMs: number, fullRateMs: number, fullMs: number, reducedMs: number): number {
  const full = Math.min(fullRateMs, spanMs);
  return Math.floor((spanMs - full) / reducedMs) + Math.ceil(full / fullMs);
}

/**
 * Keyed records in time order: for each slot t and key j (in order), one record at
 * t + phase(j), phase spread over `spreadMs` (less than the smallest interval, so slots never
 * overlap). `make(j, t)` builds the value for key j at producer time t.
 */
export function* keyedStream<V>(
  keys: readonly string[],
  slots: readonly number[],
  spreadMs: number,
  make: (j: number, t: number) => V,
): Generator<FillRecord<V>> {
  const n = keys.length;
  for (const slot of slots) {
    for (let j = 0; j < n; j++) {
      const t = slot + Math.floor((j * spreadMs) / n);
      yield { key: keys[j] as string, value: make(j, t), timestamp: t };
    }
  }
}

/** Merges ascending streams into one ascending stream (stable: ties keep stream order). */
export function* mergeByTimestamp<V>(streams: Iterable<FillRecord<V>>[]): Generator<FillRecord<V>> {
  const its = streams.map((s) => s[Symbol.iterator]());
  const heads = its.map((it) => it.next());
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i] as IteratorResult<FillRecord<V>>;
      if (h.done === true) continue;
      if (best === -1 || h.value.timestamp < (heads[best] as IteratorYieldResult<FillRecord<V>>).value.timestamp)
        best = i;
    }
    if (best === -1) return;
    yield (heads[best] as IteratorYieldResult<FillRecord<V>>).value;
    heads[best] = (its[best] as Iterator<FillRecord<V>>).next();
  }
}

/**
 * Closed candles of `intervalMs` whose close falls in [end - historyMs, end), per key, published
 * `publishDelayMs` after the close plus a phase per key over `spreadMs`. `keysAt(openTime)` picks
 * which keys have a candle there (e.g. every symbol within the span, option underlyings beyond).
 */
export function* candleStream<V>(
  end: number,
  historyMs: number,
  intervalMs: number,
  publishDelayMs: number,
  spreadMs: number,
  keysAt: (openTime: number) => readonly number[],
  keys: readonly string[],
  make: (j: number, openTime: number, publishedAt: number) => V,
): Generator<FillRecord<V>> {
  const firstOpen = Math.ceil((end - historyMs) / intervalMs) * intervalMs - intervalMs;
  for (let open = firstOpen; open + intervalMs + publishDelayMs + spreadMs < end; open += intervalMs) {
    const close = open + intervalMs;
    if (close < end - historyMs) continue;
    const which = keysAt(open);
    const n = which.length;
    for (let i = 0; i < n; i++) {
      const j = which[i] as number;
      const t = close + publishDelayMs + Math.floor((i * spreadMs) / n);
      yield { key: keys[j] as string, value: make(j, open, t), timestamp: t };
    }
  }
}

// ---- records, built like libs/contracts/test/samples.ts with price and time varied ----

/** A deterministic wiggle around 1 (±~2 %), different per key, slow in time. */
export function priceFactor(j: number, t: number): number {
  return 1 + 0.015 * Math.sin(t / 900_000 + j * 1.7) + 0.005 * Math.sin(t / 37_000 + j * 0.3);
}

const r8 = (x: number): number => Math.round(x * 1e8) / 1e8;

export function spotTicker(symbol: string, base: number, j: number, t: number): SpotTicker {
  const p = r8(base * priceFactor(j, t));
  const open = r8(base * priceFactor(j, t - DAY));
  const half = r8(p * 0.00005);
  return {
    symbol,
    eventTime: t - 30,
    captureTime: t - 5,
    source: 'binance.spot.rest',
    lastPrice: p,
    openPrice: open,
    highPrice: r8(Math.max(p, open) * 1.02),
    lowPrice: r8(Math.min(p, open) * 0.98),
    priceChange: r8(p - open),
    priceChangePercent: Math.round(((p - open) / open) * 100_000) / 1000,
    weightedAvgPrice: r8((p + open) / 2),
    volume: 53076.8465,
    quoteVolume: r8(53076.8465 * p),
    bidPrice: r8(p - half),
    bidQty: 0.34024,
    askPrice: r8(p + half),
    askQty: 0.64537,
    openTime: t - 30 - DAY,
    tradeCount: 1811267 + (t % 1000),
    closeTime: t - 30,
  };
}

export function futuresTicker(symbol: string, base: number, j: number, t: number): FuturesTicker {
  const index = r8(base * priceFactor(j, t));
  const mark = r8(index * 1.0003);
  return {
    symbol,
    eventTime: t - 30,
    captureTime: t - 5,
    source: 'binance.futures.rest',
    contractType: 'PERPETUAL',
    lastPrice: r8(mark * 1.00001),
    priceChangePercent: -2.9,
    highPrice: r8(mark * 1.03),
    lowPrice: r8(mark * 0.97),
    volume: 250_000.5,
    quoteVolume: r8(250_000.5 * mark),
    markPrice: mark,
    indexPrice: index,
    fundingRate: 0.0001,
    nextFundingTime: (Math.floor(t / (8 * HOUR)) + 1) * 8 * HOUR,
    openInterest: 80_000.2,
    openInterestValue: r8(80_000.2 * mark),
    openInterestTime: t - 5_000,
    basis: r8(mark - index),
    basisRate: (mark - index) / index,
    deliveryTime: null,
    timeToExpiryMs: null,
    fundingIntervalHours: 8,
    interestRate: 0.0001,
  };
}

export function spotKline(
  symbol: string,
  base: number,
  j: number,
  interval: string,
  intervalMs: number,
  openTime: number,
  publishedAt: number,
): SpotKline {
  const o = r8(base * priceFactor(j, openTime));
  const c = r8(base * priceFactor(j, openTime + intervalMs));
  const closeTime = openTime + intervalMs - 1;
  return {
    symbol,
    eventTime: closeTime,
    captureTime: Math.max(closeTime + 1, publishedAt - 5),
    source: 'binance.spot.rest',
    interval,
    openTime,
    closeTime,
    open: o,
    high: r8(Math.max(o, c) * 1.001),
    low: r8(Math.min(o, c) * 0.999),
    close: c,
    volume: 12.5,
    quoteVolume: r8(12.5 * c),
    tradeCount: 901,
    takerBuyBaseVolume: 6.1,
    takerBuyQuoteVolume: r8(6.1 * c),
  };
}

export function quantumScore(symbol: string, j: number, t: number): QuantumScore {
  const s = 0.45 + 0.1 * Math.sin(t / 600_000 + j);
  return {
    symbol,
    eventTime: t - 30,
    emitTime: t - 2,
    source: 'quantum',
    hash: (j * 7919) % 10007,
    factors: [0.40033204124501537, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.4046197168111812],
    coreScore: s,
    ensembleScore: s,
    weights: { core: 1, ai: 0, vigo: 0 },
    aiScore: 0,
    vigoScore: 0,
    lambda: Math.log(7919),
    universalFrequency: 7919,
    cols: 8,
  };
}

export function psychState(symbol: string, j: number, t: number): PsychState {
  const score = 0.38 + 0.05 * Math.sin(t / 900_000 + j);
  return {
    symbol,
    eventTime: t - 30,
    emitTime: t - 2,
    source: 'psych',
    status: 'READY',
    state: 'PESIMISMO',
    score,
    fearGreedIndex: Math.round(score * 100),
    components: { price: -0.4, volume: 0.1, funding: 0.05, volatility: -0.3, liquidity: 0, momentum: null },
    transition: {
      kind: 'MODERADA',
      direction: 'NEGATIVA',
      previousState: 'NEUTRAL',
      deltaScore: -0.03,
      velocity: 0.03,
    },
    confidence: 0.9,
    samples: 300,
    windowMs: 300_000,
    oldestInputTime: t - 30,
  };
}

/** One option underlying's chain as listed now: contracts whose prices scale with the index. */
export interface ChainTemplate {
  underlying: string;
  indexPrice: number;
  contracts: OptionContract[];
}

/** Scales a contract's prices (not its strike) by the index move. */
function movedContract(c: OptionContract, k: number): OptionContract {
  const m = (x: number | null): number | null => (x === null ? null : r8(x * k));
  return { ...c, bidPrice: m(c.bidPrice), askPrice: m(c.askPrice), markPrice: r8(c.markPrice * k) };
}

export function chainSummary(contracts: readonly OptionContract[], indexPrice: number): OptionsChain['summary'] {
  const expiries = [...new Set(contracts.map((c) => c.expiryTime))].sort((a, b) => a - b);
  const nearest = expiries[0] ?? null;
  let atm: OptionContract | undefined;
  for (const c of contracts)
    if (
      c.expiryTime === nearest &&
      (atm === undefined || Math.abs(c.strike - indexPrice) < Math.abs(atm.strike - indexPrice))
    )
      atm = c;
  const sum = (side: 'CALL' | 'PUT', f: (c: OptionContract) => number): number =>
    contracts.filter((c) => c.side === side).reduce((a, c) => a + f(c), 0);
  const callOi = sum('CALL', (c) => c.openInterest ?? 0);
  const putOi = sum('PUT', (c) => c.openInterest ?? 0);
  const callVol = sum('CALL', (c) => c.volume);
  const putVol = sum('PUT', (c) => c.volume);
  return {
    contractCount: contracts.length,
    expiryCount: expiries.length,
    nearestExpiryTime: nearest,
    atmStrike: atm?.strike ?? null,
    atmIV: atm?.markIV ?? null,
    callOpenInterest: callOi,
    putOpenInterest: putOi,
    callVolume: callVol,
    putVolume: putVol,
    putCallOpenInterestRatio: callOi === 0 ? null : putOi / callOi,
    putCallVolumeRatio: callVol === 0 ? null : putVol / callVol,
  };
}

export function optionsChain(tpl: ChainTemplate, j: number, t: number): OptionsChain {
  const k = priceFactor(j, t);
  const indexPrice = r8(tpl.indexPrice * k);
  const contracts = tpl.contracts.map((c) => movedContract(c, k));
  return {
    underlying: tpl.underlying,
    eventTime: t - 60,
    captureTime: t - 5,
    source: 'binance.options.rest',
    indexPrice,
    contracts,
    summary: chainSummary(contracts, indexPrice),
  };
}

export function sronaReport(tpl: ChainTemplate, j: number, t: number): SronaReport {
  const spot = r8(tpl.indexPrice * priceFactor(j, t));
  const c = tpl.contracts.find((x) => x.side === 'CALL' && x.strike > spot) ?? tpl.contracts[0];
  const opportunities: SronaReport['opportunities'] =
    c === undefined
      ? []
      : [
          {
            symbol: c.symbol,
            side: c.side,
            strike: c.strike,
            expiryTime: c.expiryTime,
            daysToExpiry: Math.max(0, (c.expiryTime - t) / DAY),
            moneyness: c.strike / spot,
            bidPrice: c.bidPrice ?? c.markPrice,
            markPrice: c.markPrice,
            markIV: c.markIV,
            delta: c.delta,
            gamma: c.gamma,
            theta: c.theta,
            vega: c.vega,
            openInterest: c.openInterest ?? 0,
            volume: c.volume,
            metrics: {
              volatilityMispricing: 0.7,
              volumeAnomaly: 0.4,
              openInterestImbalance: 0.5,
              deltaFlowDivergence: 0.3,
              gammaExposure: 0.8,
              thetaDecay: 0.6,
              vegaRiskReward: 0.5,
              marketSentiment: 0.5,
            },
            score: 0.61,
            confidence: 0.8,
            frequency: { breachFrequency: 0.08, samples: 400, horizonDays: 20, extrapolated: false },
            edge: {
              blackScholesEdge: 4.2,
              empiricalEdge: 3.1,
              blackScholesProbOtm: 0.9,
              empiricalProbOtm: 0.92,
              expectedProfit: 3.1,
              stressLoss3Sigma: -850,
            },
            rank: 1,
          },
        ];
  return {
    underlying: tpl.underlying,
    eventTime: t - 60,
    emitTime: t - 2,
    source: 'srona',
    spotPrice: spot,
    chain: {
      atmIV: 0.71,
      realizedVol: 0.55,
      realizedVolWindowDays: 14,
      ivRvSpread: 0.16,
      putCallOpenInterestRatio: 1,
      putCallVolumeRatio: null,
      historySamples: 720,
    },
    candidatesEvaluated: tpl.contracts.length,
    opportunities,
    oldestInputTime: t - 60,
    surface: null,
  };
}

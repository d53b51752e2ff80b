// Builders for srona tests: contracts, chains, tickers and candle paths with known properties.
import type { OptionContract, OptionSide, OptionsChain, SpotKline, SpotTicker } from '@marketpipe/contracts';
import { blackScholesGreeks, blackScholesPrice } from '@marketpipe/quant';
import { chainStats } from '../src/model/chain';
import { chainSurface } from '../src/model/surface';
import { MoveDistributionCache } from '../src/model/frequency';
import { CandleHistory } from '../src/model/history';
import { DAY_MS, DEFAULT_PARAMS, type SronaParams } from '../src/model/params';
import type { UnderlyingInputs } from '../src/model/detector';

export const HOUR = 3_600_000;
/** Evaluation time of most tests: 2024-03-01 00:00 UTC. */
export const NOW = Date.UTC(2024, 2, 1);

export function params(over: Partial<SronaParams> = {}): SronaParams {
  return { ...DEFAULT_PARAMS, ...over };
}

/** A liquid 20-day call, 10 % out of the money against a spot of 100, marked at 80 % IV. */
export function contract(over: Partial<OptionContract> = {}): OptionContract {
  const side = over.side ?? 'CALL';
  const strike = over.strike ?? (side === 'CALL' ? 110 : 90);
  const expiryTime = over.expiryTime ?? NOW + 20 * DAY_MS;
  const base: OptionContract = {
    symbol: `BTC-${expiryTime}-${strike}-${side === 'CALL' ? 'C' : 'P'}`,
    side,
    strike,
    expiryTime,
    unit: 1,
    bidPrice: 3.8,
    askPrice: 4,
    bidQty: null,
    askQty: null,
    markPrice: 3.9,
    lastPrice: 3.9,
    volume: 10,
    openInterest: 50,
    openInterestUsd: 5000,
    markIV: 0.8,
    bidIV: 0.79,
    askIV: 0.81,
    delta: side === 'CALL' ? 0.34 : -0.3,
    gamma: 0.02,
    theta: -0.17,
    vega: 0.086,
  };
  return { ...base, ...over };
}

export function chain(contracts: OptionContract[], over: Partial<OptionsChain> = {}): OptionsChain {
  let callOpenInterest = 0;
  let putOpenInterest = 0;
  let callVolume = 0;
  let putVolume = 0;
  const expiries = new Set<number>();
  for (const c of contracts) {
    expiries.add(c.expiryTime);
    if (c.side === 'CALL') {
      callOpenInterest += c.openInterest ?? 0;
      callVolume += c.volume;
    } else {
      putOpenInterest += c.openInterest ?? 0;
      putVolume += c.volume;
    }
  }
  const nearest = contracts.length === 0 ? null : Math.min(...expiries);
  return {
    underlying: 'BTCUSDT',
    eventTime: NOW - 1_000,
    captureTime: NOW - 900,
    source: 'test',
    indexPrice: 100,
    contracts,
    summary: {
      contractCount: contracts.length,
      expiryCount: expiries.size,
      nearestExpiryTime: nearest,
      atmStrike: null,
      atmIV: null,
      callOpenInterest,
      putOpenInterest,
      callVolume,
      putVolume,
      putCallOpenInterestRatio: callOpenInterest === 0 ? null : putOpenInterest / callOpenInterest,
      putCallVolumeRatio: callVolume === 0 ? null : putVolume / callVolume,
    },
    ...over,
  };
}

export function ticker(lastPrice = 100, over: Partial<SpotTicker> = {}): SpotTicker {
  return {
    symbol: 'BTCUSDT',
    eventTime: NOW - 500,
    captureTime: NOW - 400,
    source: 'test',
    lastPrice,
    openPrice: lastPrice,
    highPrice: lastPrice,
    lowPrice: lastPrice,
    priceChange: 0,
    priceChangePercent: 0,
    weightedAvgPrice: lastPrice,
    volume: 1000,
    quoteVolume: 100_000,
    bidPrice: lastPrice,
    bidQty: 1,
    askPrice: lastPrice,
    askQty: 1,
    openTime: NOW - DAY_MS,
    tradeCount: 10,
    closeTime: NOW - 500,
    ...over,
  };
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A geometric random walk of `n` closes ending at `last`, with annual vol `vol` over `intervalMs` steps. */
export function randomWalk(n: number, vol: number, seed = 7, last = 100, intervalMs = HOUR): number[] {
  const next = rng(seed);
  const sd = vol * Math.sqrt(intervalMs / (365 * DAY_MS));
  const logs = [0];
  for (let i = 1; i < n; i++) {
    const u1 = Math.max(next(), 1e-12);
    const u2 = next();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    logs.push((logs[i - 1] as number) + sd * z);
  }
  const shift = Math.log(last) - (logs[n - 1] as number);
  return logs.map((l) => Math.exp(l + shift));
}

function gaussian(next: () => number): number {
  const u1 = Math.max(next(), 1e-12);
  const u2 = next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Geometric Brownian motion: `n` hourly closes ending at `last`, annual vol `vol`, with zero price
 * drift (E[S_t] = S_0: log drift -σ²/2) plus `logDriftPerDay` of log drift (a trend).
 */
export function gbmCloses(n: number, vol: number, seed: number, logDriftPerDay = 0, last = 100): number[] {
  const next = rng(seed);
  const dt = HOUR / (365 * DAY_MS);
  const mu = -0.5 * vol * vol * dt + logDriftPerDay / 24;
  const sd = vol * Math.sqrt(dt);
  const logs = [0];
  for (let i = 1; i < n; i++) logs.push((logs[i - 1] as number) + mu + sd * gaussian(next));
  const shift = Math.log(last) - (logs[n - 1] as number);
  return logs.map((l) => Math.exp(l + shift));
}

/**
 * Merton jump-diffusion on an hourly grid: diffusion vol `vol`; in each hour a jump with probability
 * jumpsPerDay / 24, of log size N(jumpMean, jumpSd²).
 */
export interface Merton {
  vol: number;
  jumpsPerDay: number;
  jumpMean: number;
  jumpSd: number;
}

/** `n` hourly closes of a Merton jump-diffusion with zero price drift (E[S_t] = S_0 exactly), ending at `last`. */
export function mertonCloses(n: number, m: Merton, seed: number, last = 100): number[] {
  const next = rng(seed);
  const dt = HOUR / (365 * DAY_MS);
  const jumpProb = m.jumpsPerDay / 24;
  const kappa = Math.exp(m.jumpMean + (m.jumpSd * m.jumpSd) / 2) - 1;
  const mu = -0.5 * m.vol * m.vol * dt - Math.log1p(jumpProb * kappa);
  const sd = m.vol * Math.sqrt(dt);
  const logs = [0];
  for (let i = 1; i < n; i++) {
    let x = mu + sd * gaussian(next);
    if (next() < jumpProb) x += m.jumpMean + m.jumpSd * gaussian(next);
    logs.push((logs[i - 1] as number) + x);
  }
  const shift = Math.log(last) - (logs[n - 1] as number);
  return logs.map((l) => Math.exp(l + shift));
}

/** Open times of `n` consecutive candles, the last one closing just before `end`. */
export function openTimes(n: number, intervalMs = HOUR, end = NOW - 60_000): number[] {
  const lastOpen = Math.floor(end / intervalMs) * intervalMs - intervalMs;
  return Array.from({ length: n }, (_, i) => lastOpen - (n - 1 - i) * intervalMs);
}

export function historyOf(closes: readonly number[], intervalMs = HOUR, capacity = 100_000): CandleHistory {
  const h = new CandleHistory(intervalMs, capacity);
  const times = openTimes(closes.length, intervalMs);
  closes.forEach((c, i) => h.add(times[i] as number, c, (times[i] as number) + intervalMs - 1));
  return h;
}

export function klines(closes: readonly number[], interval = '1h', intervalMs = HOUR, symbol = 'BTCUSDT'): SpotKline[] {
  const times = openTimes(closes.length, intervalMs);
  return closes.map((close, i) => {
    const openTime = times[i] as number;
    return {
      symbol,
      eventTime: openTime + intervalMs - 1,
      captureTime: openTime + intervalMs + 50,
      source: 'test',
      interval,
      openTime,
      closeTime: openTime + intervalMs - 1,
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
  });
}

/** Detector inputs; `spot` null = no spot ticker held. */
export function inputs(
  c: OptionsChain,
  history: CandleHistory,
  spot: SpotTicker | null = ticker(),
  p = params(),
): UnderlyingInputs {
  return {
    underlying: c.underlying,
    chain: c,
    stats: chainStats(c),
    spot: spot ?? undefined,
    history,
    moves: new MoveDistributionCache(p.frequencyMinSpans, p.riskFreeRate),
    surface: chainSurface(c, p.riskFreeRate),
  };
}

/** A contract quoted around its Black-Scholes value at `iv`, with the chain's greeks from the same model. */
export function priced(side: OptionSide, strike: number, days: number, iv: number, volume = 10): OptionContract {
  const o = {
    side: side === 'CALL' ? ('call' as const) : ('put' as const),
    spot: 100,
    strike,
    years: days / 365,
    vol: iv,
    rate: 0,
  };
  const mark = blackScholesPrice(o);
  const g = blackScholesGreeks(o);
  return contract({
    symbol: `BTC-${days}D-${strike}-${side === 'CALL' ? 'C' : 'P'}`,
    side,
    strike,
    expiryTime: NOW + days * DAY_MS,
    bidPrice: mark * 0.97,
    askPrice: mark * 1.03,
    markPrice: mark,
    markIV: iv,
    volume,
    openInterest: 20 + strike / 10,
    delta: g.delta,
    gamma: g.gamma,
    theta: g.theta,
    vega: g.vega,
  });
}

/** `expiries` expiries x (16 calls 105..120 + 16 puts 80..95), all marked at 90 % IV. */
export function bigChain(expiries: readonly number[] = [10, 20, 30, 40]): OptionContract[] {
  const out: OptionContract[] = [];
  for (const days of expiries) {
    for (let i = 0; i < 16; i++) {
      out.push(priced('CALL', 105 + i, days, 0.9, 1 + ((i * 7) % 13)));
      out.push(priced('PUT', 80 + i, days, 0.9, 1 + ((i * 5) % 11)));
    }
  }
  return out;
}

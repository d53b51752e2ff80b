import { DAYS_PER_YEAR } from '@marketpipe/quant';
import type { CandleHistory } from './history';
import { DAY_MS } from './params';

export interface RealizedVol {
  /** Annualized volatility (fraction), or null with fewer than two returns in the window. */
  vol: number | null;
  /** Returns used. */
  returns: number;
  /** Returns a full window holds: windowMs / intervalMs. */
  expectedReturns: number;
  /** Span the returns cover, days. */
  windowDays: number;
}

/**
 * Realized volatility of the underlying: the sample standard deviation (n - 1) of close-to-close
 * log returns ln(c_i / c_{i-1}) of consecutive candles (openTime exactly one interval apart: a return
 * across a gap would mix horizons and is skipped), over the candles opening within `windowMs` of the
 * newest one, annualized by sqrt(periods per year) with crypto's 24/7 calendar:
 * 365 x 86 400 000 / intervalMs (8760 for 1h candles, 525 600 for 1m).
 * Implied volatility never enters this estimate.
 */
export function realizedVolatility(history: CandleHistory, windowMs: number): RealizedVol {
  const interval = history.intervalMs;
  const expectedReturns = Math.max(1, Math.floor(windowMs / interval));
  const times = history.times;
  const closes = history.closes;
  const n = times.length;
  if (n < 3) return { vol: null, returns: 0, expectedReturns, windowDays: 0 };
  const from = (times[n - 1] as number) - windowMs;
  let sum = 0;
  let count = 0;
  let first = n - 1;
  for (let i = n - 1; i > 0 && (times[i - 1] as number) >= from; i--) {
    if ((times[i] as number) - (times[i - 1] as number) !== interval) continue;
    sum += Math.log((closes[i] as number) / (closes[i - 1] as number));
    count++;
    first = i;
  }
  if (count < 2) return { vol: null, returns: count, expectedReturns, windowDays: (count * interval) / DAY_MS };
  const mean = sum / count;
  let ss = 0;
  for (let i = n - 1; i >= first; i--) {
    if ((times[i] as number) - (times[i - 1] as number) !== interval) continue;
    const d = Math.log((closes[i] as number) / (closes[i - 1] as number)) - mean;
    ss += d * d;
  }
  const periodsPerYear = (DAYS_PER_YEAR * DAY_MS) / interval;
  const vol = Math.sqrt((ss / (count - 1)) * periodsPerYear);
  return {
    vol: Number.isFinite(vol) ? vol : null,
    returns: count,
    expectedReturns,
    windowDays: (count * interval) / DAY_MS,
  };
}

/**
 * The underlying's 24h log return ln(now / 24h ago) from the candle history: the newest close
 * against the close of the newest candle opening at least 24h earlier; 0 when the history is shorter.
 */
export function dayReturnFromHistory(history: CandleHistory): number {
  const times = history.times;
  const n = times.length;
  if (n < 2) return 0;
  const target = (times[n - 1] as number) - DAY_MS;
  for (let i = n - 2; i >= 0; i--) {
    if ((times[i] as number) <= target) {
      return Math.log((history.closes[n - 1] as number) / (history.closes[i] as number));
    }
  }
  return 0;
}

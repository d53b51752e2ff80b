/**
 * Confidence in [0, 1] of one opportunity = history x liquidity x freshness:
 *
 * - history = min(1, RV returns / returns of a full RV window) x (0.8 + 0.2 x min(1, span / (horizon x minSpans))):
 *   a partly filled volatility window scales it down proportionally; a frequency count the history
 *   cannot cover directly (extrapolated) costs up to 20 %.
 * - liquidity = 1 - 0.2 x min(1, relative spread / spread ceiling): from 1 at a zero spread to 0.8 at the ceiling.
 * - freshness = min over the inputs of f(age, limit), f = 1 up to the limit, falling linearly to 0 at
 *   twice the limit: the chain and the spot ticker against the stale limit, the newest candle against
 *   one candle interval plus the stale limit.
 */
import { clamp01 } from './metrics';

export function historyFactor(
  rvReturns: number,
  rvExpectedReturns: number,
  spanCandles: number,
  horizonCandles: number,
  minSpans: number,
): number {
  const rv = rvExpectedReturns > 0 ? clamp01(rvReturns / rvExpectedReturns) : 0;
  const need = horizonCandles * minSpans;
  const cover = need > 0 ? clamp01(spanCandles / need) : 1;
  return clamp01(rv * (0.8 + 0.2 * cover));
}

export function liquidityFactor(relativeSpread: number, maxRelativeSpread: number): number {
  const s = relativeSpread > 0 ? relativeSpread : 0;
  const ratio = maxRelativeSpread > 0 ? Math.min(1, s / maxRelativeSpread) : 1;
  return clamp01(1 - 0.2 * ratio);
}

/** 1 while age <= limit, then linearly down to 0 at 2 x limit; a negative age (clock skew) is fresh. */
export function freshnessFactor(ageMs: number, limitMs: number): number {
  if (!(ageMs > limitMs)) return 1;
  if (!(limitMs > 0)) return 0;
  return clamp01(2 - ageMs / limitMs);
}

export function confidence(history: number, liquidity: number, freshness: number): number {
  return clamp01(clamp01(history) * clamp01(liquidity) * clamp01(freshness));
}

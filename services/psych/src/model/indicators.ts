/**
 * The numeric building blocks of the psych components. Pure, allocation-free, and written so that
 * no finite input can produce NaN or ±Infinity: log returns are differences of logs (a ratio of
 * two extreme prices would overflow), averages are updated as `avg + (x − avg) / n` (a sum of
 * large values would overflow), and every mapping into [−1, 1] goes through `squash`.
 */

/** tanh(x / scale) in [−1, 1]; 0 for NaN (never produced by the callers, but nothing non-finite may leave). */
export function squash(x: number, scale: number): number {
  const y = Math.tanh(x / scale);
  return y === y ? y : 0;
}

/** Clamps into [−1, 1], mapping NaN to 0: the last guard before a component leaves the model. */
export function clampUnit(x: number): number {
  if (!(x === x)) return 0;
  return x < -1 ? -1 : x > 1 ? 1 : x;
}

/** ln(to / from) for positive prices, as ln(to) − ln(from): finite for any positive finite pair. */
export function logReturn(from: number, to: number): number {
  return Math.log(to) - Math.log(from);
}

/** Bid-ask spread in basis points of the mid; null without a two-sided, uncrossed book. */
export function spreadBps(bid: number | null, ask: number | null): number | null {
  if (bid === null || ask === null || !(bid > 0) || !(ask >= bid) || !Number.isFinite(ask)) return null;
  // mid as bid/2 + ask/2: (bid + ask) overflows for prices near Number.MAX_VALUE.
  return ((ask - bid) / (bid / 2 + ask / 2)) * 10_000;
}

/**
 * Wilder's RSI over `closes[from..to)` (oldest first): the first `period` changes seed the average
 * gain and loss as simple means, every later change is smoothed in as avg += (x − avg) / period.
 * 50 when nothing moved, 100 when nothing fell. Null with fewer than period + 1 closes.
 */
export function rsiWilder(closes: ArrayLike<number>, period = 14, from = 0, to = closes.length): number | null {
  if (to - from < period + 1) return null;
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = from + 1; i <= from + period; i++) {
    const d = (closes[i] as number) - (closes[i - 1] as number);
    const n = i - from;
    avgGain += ((d > 0 ? d : 0) - avgGain) / n;
    avgLoss += ((d < 0 ? -d : 0) - avgLoss) / n;
  }
  for (let i = from + period + 1; i < to; i++) {
    const d = (closes[i] as number) - (closes[i - 1] as number);
    avgGain += ((d > 0 ? d : 0) - avgGain) / period;
    avgLoss += ((d < 0 ? -d : 0) - avgLoss) / period;
  }
  if (avgLoss === 0) return avgGain === 0 ? 50 : 100;
  const rsi = 100 - 100 / (1 + avgGain / avgLoss);
  return rsi === rsi ? rsi : 50;
}

/**
 * Realized volatility per minute of a timed price path (oldest first): sqrt(Σ r² / Σ Δt) with r the
 * log return between consecutive points and Δt their distance in minutes. The mean return is not
 * subtracted (the usual realized-variance convention: over minutes the drift is negligible, and a
 * two-pass mean would make a steady trend read as zero volatility). Regular 1-minute closes give
 * sqrt(mean r²); a missing minute widens Δt instead of inflating the variance. Null with fewer than
 * `minReturns` returns.
 */
export function realizedVolPerMinute(
  times: ArrayLike<number>,
  prices: ArrayLike<number>,
  from: number,
  to: number,
  minReturns: number,
): number | null {
  if (to - from - 1 < Math.max(1, minReturns)) return null;
  let meanSq = 0;
  let minutes = 0;
  for (let i = from + 1; i < to; i++) {
    const r = logReturn(prices[i - 1] as number, prices[i] as number);
    const dt = ((times[i] as number) - (times[i - 1] as number)) / 60_000;
    if (!(dt > 0)) continue;
    // Running Σr²/Σdt without a sum that could overflow: weight each return by its share of time.
    minutes += dt;
    meanSq += ((r * r) / dt - meanSq) * (dt / minutes);
  }
  if (!(minutes > 0)) return null;
  const vol = Math.sqrt(meanSq);
  return Number.isFinite(vol) ? vol : null;
}

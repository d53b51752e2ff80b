// Descriptive statistics over plain arrays or typed arrays; no allocation except logReturns' result.

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { log, sqrt } = Math;

/** Arithmetic mean; NaN for an empty input. */
export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i] as number;
  return sum / xs.length;
}

/** Sample variance (n - 1 denominator, two-pass for accuracy); NaN for fewer than two values. */
export function variance(xs: ArrayLike<number>): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = (xs[i] as number) - m;
    ss += d * d;
  }
  return ss / (xs.length - 1);
}

/** Sample standard deviation (n - 1 denominator). */
export function stdev(xs: ArrayLike<number>): number {
  return sqrt(variance(xs));
}

/** ln(p[i] / p[i-1]) for consecutive prices: one element fewer than the input. */
export function logReturns(prices: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 1; i < prices.length; i++) out.push(log((prices[i] as number) / (prices[i - 1] as number)));
  return out;
}

/**
 * Annualised realised volatility of a price series sampled at a fixed period: the sample standard
 * deviation of its log returns times sqrt(periodsPerYear) (e.g. 525600 for 1-minute closes).
 */
export function realizedVolatility(prices: ArrayLike<number>, periodsPerYear: number): number {
  return stdev(logReturns(prices)) * sqrt(periodsPerYear);
}

// Decimal strings as Binance sends them. Prices and volumes live in the model as integer counts of
// a fixed unit (10^-decimals), so sums over candles are exact and the strings are produced without
// binary-float rounding surprises.

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { floor, trunc } = Math;

const ZEROS = Array.from({ length: 25 }, (_, n) => '0'.repeat(n));
const POW10 = Array.from({ length: 16 }, (_, n) => 10 ** n);

/** `value` (an integer count of 10^-unitDecimals) written with exactly `decimals` (>= unitDecimals)
 * decimals, by integer arithmetic: exact for any |value| < 2^53. */
export function units(value: number, unitDecimals: number, decimals: number): string {
  const neg = value < 0;
  const v = neg ? -value : value;
  let out: string;
  if (unitDecimals === 0) {
    out = decimals === 0 ? String(v) : v + '.' + (ZEROS[decimals] as string);
  } else {
    const p = POW10[unitDecimals] as number;
    let int = floor(v / p);
    let frac = v - int * p;
    if (frac < 0) {
      int--;
      frac += p;
    } else if (frac >= p) {
      int++;
      frac -= p;
    }
    // frac + p has a leading 1 followed by exactly unitDecimals digits.
    out = int + '.' + String(frac + p).slice(1) + (ZEROS[decimals - unitDecimals] as string);
  }
  return neg && value !== 0 ? '-' + out : out;
}

/** A float with fixed decimals, never "-0.00". */
export function fixed(x: number, decimals: number): string {
  const s = x.toFixed(decimals);
  return s.charCodeAt(0) === 45 && Number(s) === 0 ? s.slice(1) : s;
}

/** A float with at most `decimals` decimals and no trailing zeros ("1789.2", "0.0001436"), as the
 * options API writes prices, IVs and greeks. */
export function trimmed(x: number, decimals: number): string {
  let s = fixed(x, decimals);
  if (s.indexOf('.') >= 0) {
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48) end--;
    if (s.charCodeAt(end - 1) === 46) end--;
    s = s.slice(0, end);
  }
  return s === '-0' ? '0' : s;
}

/** Truncates toward zero to `decimals` decimals (the options ticker's priceChangePercent does). */
export function truncated(x: number, decimals: number): string {
  const f = 10 ** decimals;
  return trimmed(trunc(x * f + (x >= 0 ? 1e-9 : -1e-9)) / f, decimals);
}

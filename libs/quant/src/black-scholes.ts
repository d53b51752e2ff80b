// Black-Scholes(-Merton) for European options on a spot or index price with a continuous rate r
// and a continuous yield/carry q (dividend yield, foreign rate; 0 for a crypto index).
//
// Units of the greeks follow what Binance's options API reports in /eapi/v1/mark:
// - theta: change of the option price per CALENDAR DAY (annual theta / 365), negative for a long option;
// - vega: change of the option price per 1 VOLATILITY POINT, i.e. per 0.01 of IV (annual vega / 100);
// - delta: per 1 unit of the underlying; gamma: delta change per 1 unit of the underlying.
// Why per vol point: vega·gamma = unit·φ(d1)²/σ does not depend on spot or expiry, so the recorded
// ETH-231229-800-C mark (vega 2.00337645, gamma 0.0001436, markIV 0.708575) pins the unit down:
// with unit = 0.01 it gives φ(d1) = 0.143, N(d1) = 0.92, matching the reported |delta| 0.911; with
// unit = 1 it gives N(d1) = 0.994, which contradicts it. The IV itself is a fraction (0.708575 = 70.86 %).

import { normCdf, normPdf } from './normal';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { abs, exp, log, max, min, sqrt } = Math;

export type OptionSide = 'call' | 'put';

export const DAYS_PER_YEAR = 365;

export interface OptionInputs {
  side: OptionSide;
  /** Spot or index price of the underlying. */
  spot: number;
  strike: number;
  /** Time to expiry in years (ACT/365). */
  years: number;
  /** Volatility as a fraction per year (0.6 = 60 %). */
  vol: number;
  /** Continuously compounded risk-free rate per year (0.05 = 5 %). */
  rate: number;
  /** Continuous dividend yield / cost of carry per year; 0 when omitted. */
  carry?: number;
}

export interface Greeks {
  delta: number;
  gamma: number;
  /** Price change per calendar day. */
  theta: number;
  /** Price change per volatility point (0.01 of IV). */
  vega: number;
}

/** Price of a European call or put. At or past expiry, or with zero volatility, the discounted
 * intrinsic value of the forward. */
export function blackScholesPrice(o: OptionInputs): number {
  const q = o.carry ?? 0;
  const t = max(o.years, 0);
  const dfS = o.spot * exp(-q * t);
  const dfK = o.strike * exp(-o.rate * t);
  const sd = o.vol * sqrt(t);
  if (!(sd > 0)) return max(o.side === 'call' ? dfS - dfK : dfK - dfS, 0);
  const d1 = log(dfS / dfK) / sd + sd / 2;
  const d2 = d1 - sd;
  return o.side === 'call' ? dfS * normCdf(d1) - dfK * normCdf(d2) : dfK * normCdf(-d2) - dfS * normCdf(-d1);
}

/** Delta, gamma, theta (per day) and vega (per vol point); see the units note at the top of the file. */
export function blackScholesGreeks(o: OptionInputs): Greeks {
  const q = o.carry ?? 0;
  const t = max(o.years, 0);
  const eq = exp(-q * t);
  const dfS = o.spot * eq;
  const dfK = o.strike * exp(-o.rate * t);
  const sqrtT = sqrt(t);
  const sd = o.vol * sqrtT;
  const call = o.side === 'call';
  if (!(sd > 0)) {
    const itm = call ? dfS > dfK : dfK > dfS;
    return { delta: itm ? (call ? eq : -eq) : 0, gamma: 0, theta: 0, vega: 0 };
  }
  const d1 = log(dfS / dfK) / sd + sd / 2;
  const d2 = d1 - sd;
  const pdf = normPdf(d1);
  const decay = (-dfS * pdf * o.vol) / (2 * sqrtT);
  const thetaYear = call
    ? decay - o.rate * dfK * normCdf(d2) + q * dfS * normCdf(d1)
    : decay + o.rate * dfK * normCdf(-d2) - q * dfS * normCdf(-d1);
  return {
    delta: call ? eq * normCdf(d1) : -eq * normCdf(-d1),
    gamma: (eq * pdf) / (o.spot * sd),
    theta: thetaYear / DAYS_PER_YEAR,
    vega: (dfS * pdf * sqrtT) / 100,
  };
}

const MIN_VOL = 1e-9;
const MAX_VOL = 20;

/**
 * The volatility at which {@link blackScholesPrice} equals `price`, or NaN when no volatility in
 * (0, 2000 %] does (the price is at or outside the no-arbitrage bounds). Newton steps on vega,
 * kept inside a shrinking bracket by bisection, so it converges from any start; the result
 * reprices to ~1e-12 relative.
 */
export function impliedVolatility(price: number, o: Omit<OptionInputs, 'vol'>): number {
  const q = o.carry ?? 0;
  const t = o.years;
  if (!(t > 0) || !(price > 0)) return NaN;
  const dfS = o.spot * exp(-q * t);
  const dfK = o.strike * exp(-o.rate * t);
  const lower = max(o.side === 'call' ? dfS - dfK : dfK - dfS, 0);
  const upper = o.side === 'call' ? dfS : dfK;
  if (!(price > lower && price < upper)) return NaN;

  const at = (vol: number): number => blackScholesPrice({ ...o, vol });
  let lo = MIN_VOL;
  let hi = MAX_VOL;
  if (at(hi) < price) return NaN;
  // Manaster-Koehler start: the volatility of the inflection point, where Newton converges monotonically.
  let vol = min(max(sqrt((2 * abs(log(dfS / dfK))) / t), 0.1), 5);
  const tolerance = 1e-13 * price;
  for (let i = 0; i < 100; i++) {
    const diff = at(vol) - price;
    if (abs(diff) <= tolerance) return vol;
    if (diff > 0) hi = vol;
    else lo = vol;
    const vega = o.spot * exp(-q * t) * normPdf(log(dfS / dfK) / (vol * sqrt(t)) + (vol * sqrt(t)) / 2);
    const newton = vega > 0 ? vol - diff / (vega * sqrt(t)) : NaN;
    vol = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (hi - lo <= 1e-15 * hi) return vol;
  }
  return vol;
}

// Black-Scholes(-Merton) for European options on a spot or index price with a continuous rate r
// and a continuous yield/carry q (dividend yield, foreign rate; 0 for a crypto index).
//
// Units of the greeks follow what Binance's options API reports in /eapi/v1/mark:
// - theta: change of the option price per CALENDAR DAY (annual theta / 365), negative for a long option;
// - vega: change of the option price per 1 VOLATILITY POINT, i.e. per 0.01 of IV (annual vega / 100);
// - delta: per 1 unit of the underlying; gamma: delta change per 1 unit of the underlying;
// - rho: change of the option price per 1 RATE POINT, i.e. per 0.01 of the continuous rate (annual
//   rho / 100). Binance publishes no rho; per point is the same convention as vega's, and matches
//   how desks quote it (a 1 % rate move), so rho and vega read on the same scale.
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
  /** Price change per rate point (0.01 of the continuous rate); the carry held fixed. */
  rho: number;
}

function invalid(fn: string, name: string, value: unknown, want: string): never {
  throw new RangeError(`${fn}: ${name} must be ${want}, got ${String(value)}`);
}

/** Everything but the volatility: the contract and the market it is priced in. Throws a RangeError
 * naming the argument, so that a NaN or a negative time never turns into a plausible price. */
function checkContract(fn: string, o: Omit<OptionInputs, 'vol'>): void {
  if (o.side !== 'call' && o.side !== 'put') invalid(fn, 'side', o.side, "'call' or 'put'");
  if (!(o.spot > 0 && o.spot < Infinity)) invalid(fn, 'spot', o.spot, 'a finite number > 0');
  if (!(o.strike > 0 && o.strike < Infinity)) invalid(fn, 'strike', o.strike, 'a finite number > 0');
  if (!(o.years >= 0 && o.years < Infinity)) invalid(fn, 'years', o.years, 'a finite number >= 0');
  if (!Number.isFinite(o.rate)) invalid(fn, 'rate', o.rate, 'a finite number');
  if (o.carry !== undefined && !Number.isFinite(o.carry)) invalid(fn, 'carry', o.carry, 'a finite number');
}

function checkInputs(fn: string, o: OptionInputs): void {
  checkContract(fn, o);
  if (!(o.vol >= 0 && o.vol < Infinity)) invalid(fn, 'vol', o.vol, 'a finite number >= 0');
}

/** Price of a European call or put. At expiry (`years` 0) or with zero volatility, the discounted
 * intrinsic value of the forward. Throws a RangeError for a NaN, infinite or negative volatility, a
 * spot or strike that is not > 0, a negative time or a non-finite rate/carry. */
export function blackScholesPrice(o: OptionInputs): number {
  checkInputs('blackScholesPrice', o);
  const q = o.carry ?? 0;
  const t = o.years;
  const dfS = o.spot * exp(-q * t);
  const dfK = o.strike * exp(-o.rate * t);
  const sd = o.vol * sqrt(t);
  if (!(sd > 0)) return max(o.side === 'call' ? dfS - dfK : dfK - dfS, 0);
  const d1 = log(dfS / dfK) / sd + sd / 2;
  const d2 = d1 - sd;
  return o.side === 'call' ? dfS * normCdf(d1) - dfK * normCdf(d2) : dfK * normCdf(-d2) - dfS * normCdf(-d1);
}

/** Delta, gamma, theta (per day), vega (per vol point) and rho (per rate point); see the units note
 * at the top of the file. Throws on the inputs {@link blackScholesPrice} throws on. */
export function blackScholesGreeks(o: OptionInputs): Greeks {
  checkInputs('blackScholesGreeks', o);
  const q = o.carry ?? 0;
  const t = o.years;
  const eq = exp(-q * t);
  const dfS = o.spot * eq;
  const dfK = o.strike * exp(-o.rate * t);
  const sqrtT = sqrt(t);
  const sd = o.vol * sqrtT;
  const call = o.side === 'call';
  if (!(sd > 0)) {
    // The discounted intrinsic value dfS - dfK (call) or dfK - dfS (put) where it is positive.
    const itm = call ? dfS > dfK : dfK > dfS;
    if (!itm) return { delta: 0, gamma: 0, theta: 0, vega: 0, rho: 0 };
    const thetaYear = call ? q * dfS - o.rate * dfK : o.rate * dfK - q * dfS;
    return {
      delta: call ? eq : -eq,
      gamma: 0,
      theta: thetaYear / DAYS_PER_YEAR,
      vega: 0,
      rho: ((call ? 1 : -1) * t * dfK) / 100,
    };
  }
  const d1 = log(dfS / dfK) / sd + sd / 2;
  const d2 = d1 - sd;
  const pdf = normPdf(d1);
  const decay = (-dfS * pdf * o.vol) / (2 * sqrtT);
  const nd2 = call ? normCdf(d2) : normCdf(-d2);
  const thetaYear = call
    ? decay - o.rate * dfK * nd2 + q * dfS * normCdf(d1)
    : decay + o.rate * dfK * nd2 - q * dfS * normCdf(-d1);
  return {
    delta: call ? eq * normCdf(d1) : -eq * normCdf(-d1),
    gamma: (eq * pdf) / (o.spot * sd),
    theta: thetaYear / DAYS_PER_YEAR,
    vega: (dfS * pdf * sqrtT) / 100,
    rho: ((call ? 1 : -1) * t * dfK * nd2) / 100,
  };
}

const MIN_VOL = 1e-9;
const MAX_VOL = 20;

/** A returned implied volatility reprices to within this fraction of the option's time value
 * (price - lower no-arbitrage bound), plus {@link IV_ROUNDING}. */
export const IV_PRICE_TOLERANCE = 1e-9;
/** ... plus this fraction of the larger of the two Black-Scholes terms (dfS·N(±d1), dfK·N(±d2)) at
 * the returned volatility: the rounding of the price formula itself, whose two terms cancel. */
export const IV_ROUNDING = 1e-14;
/** A volatility is returned only if a relative change of this size moves the price by more than the
 * repricing tolerance: every volatility that reprices is then within about this fraction of it. */
export const IV_RESOLUTION = 1e-6;

/**
 * The volatility σ at which {@link blackScholesPrice} equals `price`, or NaN when there is none or
 * the price does not pin it down:
 * - NaN when `years` is 0, the price is not finite, or it is at or outside the no-arbitrage bounds
 *   (at or below the discounted intrinsic value max(dfS - dfK, 0) for a call, max(dfK - dfS, 0) for
 *   a put; at or above dfS for a call, dfK for a put; dfS = spot·e^(-carry·T), dfK = strike·e^(-rate·T));
 * - NaN when no σ in [1e-9, 20] reprices it (a price below the one at σ = 1e-9, e.g. 1e-88 for an
 *   at-the-money option, or above the one at 2000 %);
 * - NaN when σ is not identifiable: repricing at σ must match within
 *   IV_PRICE_TOLERANCE·(price - lower bound) + IV_ROUNDING·(larger Black-Scholes term), and a change
 *   of σ by IV_RESOLUTION (relative) must move the price by more than that tolerance. A price whose
 *   time value is lost in the rounding of the formula (vega underflowing next to the bound) fails it.
 * Throws a RangeError for a contract {@link blackScholesPrice} throws on.
 *
 * It solves for the out-of-the-money side (the put for an in-the-money call, by parity: its price is
 * the time value price - lower bound), whose price is small where the in-the-money one is not, by
 * Newton steps on ln(price) kept in a shrinking bracket by bisection in ln(σ): ln(price) is nearly
 * linear in σ in the tails, where the price itself spans hundreds of orders of magnitude.
 */
export function impliedVolatility(price: number, o: Omit<OptionInputs, 'vol'>): number {
  checkContract('impliedVolatility', o);
  const q = o.carry ?? 0;
  const t = o.years;
  if (!(t > 0) || !Number.isFinite(price)) return NaN;
  const call = o.side === 'call';
  const dfS = o.spot * exp(-q * t);
  const dfK = o.strike * exp(-o.rate * t);
  const lower = max(call ? dfS - dfK : dfK - dfS, 0);
  const upper = call ? dfS : dfK;
  if (!(price > lower && price < upper)) return NaN;

  const timeValue = price - lower;
  const otmCall = dfS <= dfK;
  const lnTarget = log(timeValue);
  const x = log(dfS / dfK);
  const sqrtT = sqrt(t);
  const otm = (vol: number): number => {
    const sd = vol * sqrtT;
    const d1 = x / sd + sd / 2;
    const d2 = d1 - sd;
    return otmCall ? dfS * normCdf(d1) - dfK * normCdf(d2) : dfK * normCdf(-d2) - dfS * normCdf(-d1);
  };
  let lo = MIN_VOL;
  let hi = MAX_VOL;
  if (!(otm(lo) <= timeValue && otm(hi) >= timeValue)) return NaN;
  // Manaster-Koehler start: the volatility of the inflection point, where Newton converges monotonically.
  let vol = min(max(sqrt((2 * abs(x)) / t), 0.1), 5);
  for (let i = 0; i < 200; i++) {
    const value = otm(vol);
    if (abs(value - timeValue) <= 1e-13 * timeValue) break;
    if (value > timeValue) hi = vol;
    else lo = vol;
    if (hi - lo <= 4e-16 * hi) break;
    const sd = vol * sqrtT;
    const vega = dfS * normPdf(x / sd + sd / 2) * sqrtT;
    // Newton on ln(value): the step is (ln target - ln value)·value/vega; NaN when value underflows.
    const newton = vol + ((lnTarget - log(value)) * value) / vega;
    vol = newton > lo && newton < hi ? newton : sqrt(lo * hi);
  }
  return accepted(price, o, vol, dfS, dfK, timeValue) ? vol : NaN;
}

/** The acceptance test of {@link impliedVolatility}: repricing and identifiability at `vol`. */
function accepted(
  price: number,
  o: Omit<OptionInputs, 'vol'>,
  vol: number,
  dfS: number,
  dfK: number,
  timeValue: number,
): boolean {
  const sd = vol * sqrt(o.years);
  const d1 = log(dfS / dfK) / sd + sd / 2;
  const d2 = d1 - sd;
  const call = o.side === 'call';
  const terms = call ? max(dfS * normCdf(d1), dfK * normCdf(d2)) : max(dfK * normCdf(-d2), dfS * normCdf(-d1));
  const tolerance = IV_PRICE_TOLERANCE * timeValue + IV_ROUNDING * terms;
  if (!(abs(blackScholesPrice({ ...o, vol }) - price) <= tolerance)) return false;
  const vega = dfS * normPdf(d1) * sqrt(o.years);
  return vega * vol * IV_RESOLUTION > tolerance;
}

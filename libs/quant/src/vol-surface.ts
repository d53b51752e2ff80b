// The implied-volatility surface of one underlying from its option chain: own IVs from bid, ask
// and mark, the smile per expiry (by strike and by delta), the at-the-money-forward term structure
// interpolated in total variance, and the 25-delta risk reversal and butterfly. Pure: it reads the
// records it is given and the market inputs, nothing else. Definitions in docs/quant.md.

import { impliedVolatility, type OptionSide } from './black-scholes';
import { normCdf } from './normal';

const { exp, log, sqrt } = Math;

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** The fields of one chain record the surface reads: a structural subset of the OptionContract of
 * the OptionsChain contract, so its records can be passed as they are. Prices per contract. */
export interface ChainContract {
  side: 'CALL' | 'PUT';
  strike: number;
  /** Expiry, epoch milliseconds. */
  expiryTime: number;
  /** Underlying quantity per contract: prices are divided by it. */
  unit: number;
  bidPrice: number | null;
  askPrice: number | null;
  markPrice: number;
  /** Binance's mark IV, a fraction; kept beside the own one for comparison. */
  markIV: number;
}

export interface SurfaceMarket {
  /** Index (spot) price of the underlying. */
  spot: number;
  /** Valuation time, epoch milliseconds (the chain's event time). */
  now: number;
  /** Continuous rate per year for discounting and the forward. */
  rate: number;
  /** Continuous yield/carry per year; 0 when omitted. */
  carry?: number;
}

export interface ContractIV<C extends ChainContract = ChainContract> {
  contract: C;
  /** Own implied volatilities of the bid, ask and mark per unit; NaN where there is no price or
   * impliedVolatility finds none it can identify. */
  bidIV: number;
  askIV: number;
  markIV: number;
}

export interface SmilePoint {
  strike: number;
  /** ln(K/F). */
  logMoneyness: number;
  /** Own mark IV of the out-of-the-money side (the put below the forward, the call at or above
   * it), or of the other side where that one has none. */
  iv: number;
  /** The side the IV comes from. */
  side: 'CALL' | 'PUT';
  /** Black-Scholes spot delta of the CALL at this strike and IV: e^(-qT)·N(d1). The put's is
   * callDelta - e^(-qT). */
  callDelta: number;
}

export interface Smile<C extends ChainContract = ChainContract> {
  expiryTime: number;
  years: number;
  /** F = spot·e^((rate - carry)·T). */
  forward: number;
  contracts: ContractIV<C>[];
  /** One point per strike with an IV, by increasing strike. */
  points: SmilePoint[];
  /** IV at K = F, linear in ln(K/F) between the neighbouring strikes; NaN when F is outside them. */
  atmIV: number;
  /** IV of the 25-delta call (callDelta 0.25) and of the 25-delta put (put delta -0.25), linear in
   * delta between the neighbouring strikes; NaN when the strikes do not reach that delta. */
  call25IV: number;
  put25IV: number;
  /** call25IV - put25IV. */
  riskReversal25: number;
  /** (call25IV + put25IV) / 2 - atmIV. */
  butterfly25: number;
}

export interface TermPoint {
  expiryTime: number;
  years: number;
  atmIV: number;
  /** atmIV²·years. */
  totalVariance: number;
}

export interface VolSurface<C extends ChainContract = ChainContract> {
  /** By increasing expiry; expiries at or before `now` are left out. */
  smiles: Smile<C>[];
  /** The smiles' finite ATM IVs, by increasing expiry. */
  termStructure: TermPoint[];
  /** Records that could not be valued, with why: a strike or unit that is not a positive number,
   * an expiry at or before now. */
  skipped: { contract: C; reason: 'strike' | 'unit' | 'expired' }[];
}

const side = (s: 'CALL' | 'PUT'): OptionSide => (s === 'CALL' ? 'call' : 'put');

function invalid(name: string, value: unknown, want: string): never {
  throw new RangeError(`volSurface: ${name} must be ${want}, got ${String(value)}`);
}

/** Own IVs of one record's bid, ask and mark. `years` > 0. */
export function contractIV<C extends ChainContract>(c: C, years: number, m: SurfaceMarket): ContractIV<C> {
  const o = { side: side(c.side), spot: m.spot, strike: c.strike, years, rate: m.rate, carry: m.carry ?? 0 };
  const iv = (price: number | null): number => (price === null ? NaN : impliedVolatility(price / c.unit, o));
  return { contract: c, bidIV: iv(c.bidPrice), askIV: iv(c.askPrice), markIV: iv(c.markPrice) };
}

/** Linear interpolation of ys at x over xs, in the first segment [xs[i], xs[i+1]] that contains x
 * (either order); NaN when none does. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  for (let i = 0; i + 1 < xs.length; i++) {
    const x0 = xs[i] as number;
    const x1 = xs[i + 1] as number;
    if ((x0 - x) * (x1 - x) > 0) continue;
    const y0 = ys[i] as number;
    if (x0 === x1) return y0;
    return y0 + (((ys[i + 1] as number) - y0) * (x - x0)) / (x1 - x0);
  }
  return NaN;
}

function smileOf<C extends ChainContract>(expiryTime: number, records: readonly C[], m: SurfaceMarket): Smile<C> {
  const q = m.carry ?? 0;
  const years = (expiryTime - m.now) / YEAR_MS;
  const forward = m.spot * exp((m.rate - q) * years);
  const contracts = records.map((c) => contractIV(c, years, m));
  const byStrike = new Map<number, { call?: ContractIV<C>; put?: ContractIV<C> }>();
  for (const civ of contracts) {
    const k = civ.contract.strike;
    const entry = byStrike.get(k) ?? {};
    if (civ.contract.side === 'CALL') entry.call = civ;
    else entry.put = civ;
    byStrike.set(k, entry);
  }
  const points: SmilePoint[] = [];
  for (const strike of [...byStrike.keys()].sort((a, b) => a - b)) {
    const { call, put } = byStrike.get(strike) as { call?: ContractIV<C>; put?: ContractIV<C> };
    const [first, second] = strike < forward ? [put, call] : [call, put];
    const pick = first !== undefined && Number.isFinite(first.markIV) ? first : second;
    if (pick === undefined || !Number.isFinite(pick.markIV)) continue;
    const iv = pick.markIV;
    const sd = iv * sqrt(years);
    const d1 = log(forward / strike) / sd + sd / 2;
    points.push({
      strike,
      logMoneyness: log(strike / forward),
      iv,
      side: pick.contract.side,
      callDelta: exp(-q * years) * normCdf(d1),
    });
  }
  const ivs = points.map((p) => p.iv);
  const deltas = points.map((p) => p.callDelta);
  const atmIV = interpolate(
    points.map((p) => p.logMoneyness),
    ivs,
    0,
  );
  const call25IV = interpolate(deltas, ivs, 0.25);
  const put25IV = interpolate(deltas, ivs, exp(-q * years) - 0.25);
  return {
    expiryTime,
    years,
    forward,
    contracts,
    points,
    atmIV,
    call25IV,
    put25IV,
    riskReversal25: call25IV - put25IV,
    butterfly25: (call25IV + put25IV) / 2 - atmIV,
  };
}

/**
 * The surface of one underlying's chain at `market.now`. Throws a RangeError for a spot that is not
 * a positive number or a non-finite now, rate or carry; records it cannot value are listed in
 * `skipped` with the reason, not thrown on (a chain from market data may carry them).
 */
export function volSurface<C extends ChainContract>(records: readonly C[], market: SurfaceMarket): VolSurface<C> {
  if (!(market.spot > 0 && market.spot < Infinity)) invalid('spot', market.spot, 'a finite number > 0');
  if (!Number.isFinite(market.now)) invalid('now', market.now, 'finite epoch milliseconds');
  if (!Number.isFinite(market.rate)) invalid('rate', market.rate, 'a finite number');
  if (market.carry !== undefined && !Number.isFinite(market.carry)) invalid('carry', market.carry, 'a finite number');
  const skipped: VolSurface<C>['skipped'] = [];
  const byExpiry = new Map<number, C[]>();
  for (const c of records) {
    if (!(c.strike > 0 && c.strike < Infinity)) skipped.push({ contract: c, reason: 'strike' });
    else if (!(c.unit > 0 && c.unit < Infinity)) skipped.push({ contract: c, reason: 'unit' });
    else if (!(c.expiryTime > market.now)) skipped.push({ contract: c, reason: 'expired' });
    else {
      const list = byExpiry.get(c.expiryTime);
      if (list === undefined) byExpiry.set(c.expiryTime, [c]);
      else list.push(c);
    }
  }
  const smiles = [...byExpiry.keys()].sort((a, b) => a - b).map((e) => smileOf(e, byExpiry.get(e) as C[], market));
  const termStructure = smiles
    .filter((s) => Number.isFinite(s.atmIV))
    .map((s) => ({
      expiryTime: s.expiryTime,
      years: s.years,
      atmIV: s.atmIV,
      totalVariance: s.atmIV * s.atmIV * s.years,
    }));
  return { smiles, termStructure, skipped };
}

/**
 * ATM IV at `years`, linear in total variance σ²T between the surrounding term-structure points (so
 * the forward variance between two expiries is constant); the nearest point's IV before the first
 * or after the last expiry; NaN for an empty term structure or years <= 0.
 */
export function atmVolAt(termStructure: readonly TermPoint[], years: number): number {
  const n = termStructure.length;
  if (n === 0 || !(years > 0)) return NaN;
  const first = termStructure[0] as TermPoint;
  const last = termStructure[n - 1] as TermPoint;
  if (years <= first.years) return first.atmIV;
  if (years >= last.years) return last.atmIV;
  for (let i = 0; i + 1 < n; i++) {
    const a = termStructure[i] as TermPoint;
    const b = termStructure[i + 1] as TermPoint;
    if (years > b.years) continue;
    const w = a.totalVariance + ((b.totalVariance - a.totalVariance) * (years - a.years)) / (b.years - a.years);
    return sqrt(w / years);
  }
  return NaN;
}

/** The smile's IV at a call delta, linear in delta between strikes (NaN outside them). */
export function smileIVAtCallDelta(smile: Smile, callDelta: number): number {
  return interpolate(
    smile.points.map((p) => p.callDelta),
    smile.points.map((p) => p.iv),
    callDelta,
  );
}

/** The smile's IV at a strike, linear in ln(K/F) between strikes (NaN outside them). */
export function smileIVAtStrike(smile: Smile, strike: number): number {
  return interpolate(
    smile.points.map((p) => p.logMoneyness),
    smile.points.map((p) => p.iv),
    log(strike / smile.forward),
  );
}

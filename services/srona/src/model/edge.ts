/**
 * DetectorConEdge: what a short option is worth to its seller under two models of the underlying at
 * expiry. All amounts per unit of the underlying; the detector multiplies by the contract's unit.
 *
 * - Black-Scholes with REALIZED volatility: the fair value is the Black-Scholes price at σ = RV (the
 *   discounted risk-neutral expected payoff); P(OTM) = N(-d2) for a call, N(d2) for a put.
 * - Empirical: the expected payoff and P(OTM) over the distribution of historical moves
 *   (frequency.ts), discounted at the same rate.
 *
 * edge = premium at the bid - expected payoff; positive = the option is sold above what it is
 * expected to pay out.
 */
import type { OptionSide, SronaEdge } from '@marketpipe/contracts';
import { blackScholesPrice, normCdf, type OptionInputs } from '@marketpipe/quant';
import type { MoveDistribution } from './frequency';

/** A reusable quant input, so pricing inside the per-contract loop allocates nothing. */
export function newPricingInputs(): OptionInputs {
  return { side: 'call', spot: 0, strike: 0, years: 0, vol: 0, rate: 0 };
}

/** Black-Scholes price per unit of the underlying at volatility `vol` (realized vol for the edge). */
export function blackScholesFair(
  side: OptionSide,
  spot: number,
  strike: number,
  years: number,
  vol: number,
  rate: number,
  scratch: OptionInputs,
): number {
  scratch.side = side === 'CALL' ? 'call' : 'put';
  scratch.spot = spot;
  scratch.strike = strike;
  scratch.years = years;
  scratch.vol = vol;
  scratch.rate = rate;
  return blackScholesPrice(scratch);
}

/** Risk-neutral probability that the option expires out of the money (S_T <= K call, S_T >= K put). */
export function blackScholesProbOtm(
  side: OptionSide,
  spot: number,
  strike: number,
  years: number,
  vol: number,
  rate: number,
): number {
  const t = years > 0 ? years : 0;
  const sd = vol * Math.sqrt(t);
  const forward = spot * Math.exp(rate * t);
  if (!(sd > 0)) {
    if (side === 'CALL') return forward <= strike ? 1 : 0;
    return forward >= strike ? 1 : 0;
  }
  const d2 = Math.log(forward / strike) / sd - sd / 2;
  return side === 'CALL' ? normCdf(-d2) : normCdf(d2);
}

/**
 * Profit and loss per unit of selling at `premium` and holding to expiry after a 3σ adverse move,
 * S* = S·exp(±3σ√T) (up for a call, down for a put), capped at 0: a loss is reported as a negative
 * number, 0 when the premium still covers the payoff. A naked call's loss S* - K - premium grows
 * with S* and is not bounded by strike - spot; a put's is bounded by K - premium.
 */
export function stressPnl3Sigma(
  side: OptionSide,
  spot: number,
  strike: number,
  years: number,
  sigma: number,
  premium: number,
): number {
  const move = 3 * sigma * Math.sqrt(years > 0 ? years : 0);
  let payoff: number;
  if (side === 'CALL') {
    const stressed = spot * Math.exp(move);
    payoff = stressed > strike ? stressed - strike : 0;
  } else {
    const stressed = spot * Math.exp(-move);
    payoff = strike > stressed ? strike - stressed : 0;
  }
  const pnl = premium - payoff;
  return pnl < 0 ? pnl : 0;
}

export function newEdge(): SronaEdge {
  return {
    blackScholesEdge: 0,
    empiricalEdge: 0,
    blackScholesProbOtm: 0,
    empiricalProbOtm: 0,
    expectedProfit: 0,
    stressLoss3Sigma: 0,
  };
}

/** One short option, per contract (amounts x unit), as the detector prices it. */
export interface ShortOption {
  side: OptionSide;
  spot: number;
  strike: number;
  years: number;
  /** Underlying quantity per contract. */
  unit: number;
  /** Premium received per contract: the bid. */
  bid: number;
  /** Mark IV; the stress move uses max(realizedVol, markIV). */
  markIV: number;
}

/**
 * Fills `out` with both edges (bid - expected payoff per contract), both P(OTM), the expected profit
 * (the lower, i.e. more conservative, of the two edges; fees not included) and the 3σ stress P&L.
 * Returns out. Numbers can be non-finite only for non-finite-prone inputs (the caller checks).
 */
export function shortOptionEdge(
  o: ShortOption,
  realizedVol: number,
  rate: number,
  dist: MoveDistribution,
  scratch: OptionInputs,
  out: SronaEdge,
): SronaEdge {
  const unit = o.unit;
  const years = o.years > 0 ? o.years : 0;
  const discount = Math.exp(-rate * years);
  const bsEdge = o.bid - unit * blackScholesFair(o.side, o.spot, o.strike, years, realizedVol, rate, scratch);
  const empiricalEdge = o.bid - unit * discount * dist.expectedPayoff(o.side, o.spot, o.strike);
  out.blackScholesEdge = bsEdge;
  out.empiricalEdge = empiricalEdge;
  out.blackScholesProbOtm = blackScholesProbOtm(o.side, o.spot, o.strike, years, realizedVol, rate);
  out.empiricalProbOtm = dist.probOtm(o.side, o.spot, o.strike);
  out.expectedProfit = bsEdge < empiricalEdge ? bsEdge : empiricalEdge;
  out.stressLoss3Sigma =
    unit *
    stressPnl3Sigma(o.side, o.spot, o.strike, years, realizedVol > o.markIV ? realizedVol : o.markIV, o.bid / unit);
  return out;
}

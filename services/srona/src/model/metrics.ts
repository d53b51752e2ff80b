/**
 * The eight SRONA metrics, each a pure function of a few numbers into [0, 1], where higher is more
 * favourable to the SELLER of the option. Every function first sanitises its inputs (negative or
 * NaN magnitudes count as 0) and clamps its result, so any finite input, zeros and extremes
 * included, gives a number in [0, 1]. Formulas and directions are documented in docs/srona.md.
 */
import type { OptionSide, SronaMetrics } from '@marketpipe/contracts';

export const METRIC_WEIGHTS: Readonly<SronaMetrics> = {
  volatilityMispricing: 0.2,
  volumeAnomaly: 0.15,
  openInterestImbalance: 0.15,
  deltaFlowDivergence: 0.15,
  gammaExposure: 0.1,
  thetaDecay: 0.1,
  vegaRiskReward: 0.1,
  marketSentiment: 0.05,
};

/** gammaExposure is 0.5 when delta moves this much in a one-sigma day. */
export const GAMMA_DELTA_SCALE = 0.1;
/** thetaDecay is 0.5 when the option loses this fraction of its value per day. */
export const THETA_RATE_SCALE = 0.02;
/** vegaRiskReward is 0.5 when the premium equals this many vol points of vega. */
export const VEGA_POINTS_SCALE = 10;

/** Magnitude: x when x > 0, else 0 (NaN included). */
function mag(x: number): number {
  return x > 0 ? x : 0;
}

export function clamp01(x: number): number {
  return x > 0 ? (x < 1 ? x : 1) : 0;
}

function clampSigned(x: number): number {
  return x > -1 ? (x < 1 ? x : 1) : Number.isNaN(x) ? 0 : -1;
}

/**
 * volatilityMispricing = 1 / (1 + (RV / IV)^4) = q^4 / (1 + q^4) with q = markIV / realizedVol:
 * 0.5 when IV equals RV, 0.71 at IV = 1.25 RV, 0.84 at 1.5 RV, 0.29 at 0.8 RV. Rises with IV over RV
 * (an option priced at a higher vol than the underlying realises is rich: the seller's edge).
 */
export function volatilityMispricing(markIV: number, realizedVol: number): number {
  const iv = mag(markIV);
  const rv = mag(realizedVol);
  if (rv === 0) return iv === 0 ? 0.5 : 1;
  if (iv === 0) return 0;
  const q = rv / iv;
  const q2 = q * q;
  return clamp01(1 / (1 + q2 * q2));
}

/**
 * volumeAnomaly = v / (v + v̄): the contract's 24h volume against the mean volume of the contracts
 * of its expiry. 0.5 at the mean, towards 1 for unusual activity, 0 without volume. Rises with
 * relative volume (unusual demand for a strike lifts its premium and lets the seller get out).
 */
export function volumeAnomaly(volume: number, meanVolume: number): number {
  const v = mag(volume);
  if (v === 0) return 0;
  return clamp01(1 / (1 + mag(meanVolume) / v));
}

/**
 * openInterestImbalance = OI_side / (OI_call + OI_put) at the contract's expiry: the share of the
 * expiry's open interest on the side being sold; 0.5 when balanced or empty. Rises with crowding on
 * that side (end-user demand for one side bids its premiums up).
 */
export function openInterestImbalance(sideOpenInterest: number, otherSideOpenInterest: number): number {
  const s = mag(sideOpenInterest);
  const o = mag(otherSideOpenInterest);
  if (s === 0) return o === 0 ? 0.5 : 0;
  return clamp01(1 / (1 + o / s));
}

/**
 * deltaFlowDivergence = (1 + d) / 2 with d = (F - τ) / 2 for a call and (τ - F) / 2 for a put, where
 * F in [-1, 1] is the delta-weighted volume bias of the expiry (Σ v·δ / Σ v·|δ|: +1 = only calls
 * traded) and τ = tanh(r24h / σ_day) in [-1, 1] the underlying's 24h move in daily sigmas.
 * 0.5 when flow agrees with price; towards 1 when option flow leans to the side being sold while the
 * underlying moves the other way (the options are bid up by flow the price does not confirm).
 */
export function deltaFlowDivergence(side: OptionSide, flowBias: number, trend: number): number {
  const f = clampSigned(flowBias);
  const t = clampSigned(trend);
  const d = side === 'CALL' ? (f - t) / 2 : (t - f) / 2;
  return clamp01(0.5 + 0.5 * d);
}

/**
 * gammaExposure = 1 / (1 + x / 0.1) with x = Γ·S·σ_day: how much the delta of one unit moves in a
 * one-sigma day (σ_day = annual vol / sqrt(365)). 1 for zero gamma, 0.5 when delta moves 0.10 a day.
 * Falls as gamma rises (low gamma favours the seller: the short position's delta drifts slowly).
 */
export function gammaExposure(gamma: number, spot: number, dailyVol: number): number {
  const x = mag(gamma) * mag(spot) * mag(dailyVol);
  return clamp01(1 / (1 + x / GAMMA_DELTA_SCALE));
}

/**
 * thetaDecay = ρ / (ρ + 0.02) with ρ = |θ_day| / premium, the share of the option's value that
 * decays per day. 0.5 at 2 %/day. Rises with relative decay (the seller earns theta).
 */
export function thetaDecay(thetaPerDay: number, premium: number): number {
  const th = Math.abs(thetaPerDay);
  if (!(th > 0)) return 0;
  const p = mag(premium);
  if (p === 0) return 1;
  return clamp01(1 / (1 + (THETA_RATE_SCALE * p) / th));
}

/**
 * vegaRiskReward = k / (k + 10) with k = premium / vega (vega per vol point): how many vol points
 * IV must rise to cost the whole premium. 0.5 at 10 points. Rises with premium per unit vega.
 */
export function vegaRiskReward(premium: number, vegaPerPoint: number): number {
  const p = mag(premium);
  if (p === 0) return 0;
  const v = mag(vegaPerPoint);
  if (v === 0) return 1;
  return clamp01(1 / (1 + (VEGA_POINTS_SCALE * v) / p));
}

/**
 * marketSentiment from the chain's put/call ratio P: P / (1 + P) for a put, 1 / (1 + P) for a call;
 * 0.5 at P = 1. Demand concentrated on puts (high P) makes puts rich: favourable to selling puts,
 * and the reverse for calls.
 */
export function marketSentiment(side: OptionSide, putCallRatio: number): number {
  const r = mag(putCallRatio);
  if (side === 'CALL') return clamp01(1 / (1 + r));
  if (r === 0) return 0;
  return clamp01(1 / (1 + 1 / r));
}

/** The opportunity score: Σ weight x metric, in [0, 1] (the weights sum to 1). */
export function opportunityScore(m: SronaMetrics): number {
  const w = METRIC_WEIGHTS;
  return clamp01(
    w.volatilityMispricing * m.volatilityMispricing +
      w.volumeAnomaly * m.volumeAnomaly +
      w.openInterestImbalance * m.openInterestImbalance +
      w.deltaFlowDivergence * m.deltaFlowDivergence +
      w.gammaExposure * m.gammaExposure +
      w.thetaDecay * m.thetaDecay +
      w.vegaRiskReward * m.vegaRiskReward +
      w.marketSentiment * m.marketSentiment,
  );
}

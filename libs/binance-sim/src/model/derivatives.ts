// USD-M futures quantities that evolve slowly around their anchors: the funding rate (around the
// 0.01 % interest rate), the premium of a perpetual over its index (tracking the funding rate),
// the annualised basis of a delivery contract (contango, converging to the index at delivery)
// and open interest. All are smooth pure functions of time.

import { smoothNoise } from './random';
import { HOUR, MINUTE, YEAR } from './time';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { exp, floor, max, min, round } = Math;

const S_FUNDING = 30;
const S_PREMIUM = 31;
const S_BASIS = 32;
const S_OI = 33;

/** Binance's default interest rate per funding interval. */
export const INTEREST_RATE = 0.0001;
export const FUNDING_INTERVAL = 8 * HOUR;

const round8 = (x: number): number => round(x * 1e8) / 1e8;

/** Predicted funding rate at t (fraction per interval, 8 decimals). At a funding time it is the
 * rate that settles, so `fundingRate` history and `premiumIndex.lastFundingRate` agree. */
export function fundingRate(seed: number, key: number, t: number): number {
  const market = smoothNoise(seed, S_FUNDING, 0, t, 12 * HOUR);
  const own = smoothNoise(seed, S_FUNDING, key, t, 5 * HOUR);
  return round8(min(0.003, max(-0.003, INTEREST_RATE + 0.00008 * market + 0.00005 * own)));
}

/** Perpetual premium over the index: follows funding (a rich perp pays), plus short-lived noise. */
export function perpPremium(seed: number, key: number, t: number): number {
  return (
    0.8 * (fundingRate(seed, key, t) - INTEREST_RATE) + 0.00012 * smoothNoise(seed, S_PREMIUM, key, t, 20 * MINUTE)
  );
}

/** Premium of a delivery contract: annualised basis (≈7 %) times the time left, 0 at delivery. */
export function deliveryPremium(seed: number, key: number, t: number, deliveryDate: number): number {
  const years = max(0, deliveryDate - t) / YEAR;
  return (0.07 + 0.03 * smoothNoise(seed, S_BASIS, key, t, 24 * HOUR)) * years;
}

/** The first funding time strictly after t (00:00, 08:00, 16:00 UTC). */
export function nextFundingTime(t: number): number {
  return (floor(t / FUNDING_INTERVAL) + 1) * FUNDING_INTERVAL;
}

/** Open interest in contracts around `base`, drifting over hours. */
export function openInterest(seed: number, key: number, t: number, base: number): number {
  return (
    base *
    exp(0.2 * smoothNoise(seed, S_OI, key, t, 6 * HOUR) + 0.04 * smoothNoise(seed, S_OI, key + 1, t, 30 * MINUTE))
  );
}

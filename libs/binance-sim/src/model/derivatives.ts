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

/** Binance's default interest rate per 8 h; a shorter interval carries its share (0.00005 per 4 h). */
export const INTEREST_RATE = 0.0001;
export const FUNDING_INTERVAL = 8 * HOUR;

/** The interest component of one funding interval of `hours`. */
export function interestRate(hours: number): number {
  return round8((INTEREST_RATE * hours) / 8);
}

const round8 = (x: number): number => round(x * 1e8) / 1e8;

/** Predicted funding rate at t as an 8-hour equivalent (fraction, unrounded): the market state
 * that every interval's rate scales from. */
function fundingRate8h(seed: number, key: number, t: number): number {
  const market = smoothNoise(seed, S_FUNDING, 0, t, 12 * HOUR);
  const own = smoothNoise(seed, S_FUNDING, key, t, 5 * HOUR);
  return min(0.003, max(-0.003, INTEREST_RATE + 0.00008 * market + 0.00005 * own));
}

/** Predicted funding rate at t per interval of `hours` (fraction, 8 decimals): the 8-hour rate's
 * share, so a 4-hourly perpetual at the neutral state pays its 0.00005. At a funding time it is the
 * rate that settles, so `fundingRate` history and `premiumIndex.lastFundingRate` agree. */
export function fundingRate(seed: number, key: number, t: number, hours = 8): number {
  return round8((fundingRate8h(seed, key, t) * hours) / 8);
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

/** The first funding time strictly after t on an interval of `hours` (8 h: 00:00, 08:00, 16:00 UTC). */
export function nextFundingTime(t: number, hours = 8): number {
  const step = hours * HOUR;
  return (floor(t / step) + 1) * step;
}

/** Open interest in contracts around `base`, drifting over hours. */
export function openInterest(seed: number, key: number, t: number, base: number): number {
  return (
    base *
    exp(0.2 * smoothNoise(seed, S_OI, key, t, 6 * HOUR) + 0.04 * smoothNoise(seed, S_OI, key + 1, t, 30 * MINUTE))
  );
}

import type { OptionContract } from '@marketpipe/contracts';
import { DAY_MS, type SronaParams } from './params';

/** Why a contract is not a candidate for a naked sale; `undefined` = it is one. */
export type FilterRejection =
  /** unit, strike or markIV not positive, or a crossed book (ask < bid) */
  | 'invalid'
  /** no bid to sell into (bidPrice null or 0) */
  | 'no-bid'
  /** no ask, or (ask - bid) / mid not below the ceiling */
  | 'spread'
  /** open interest unknown or not above the floor */
  | 'open-interest'
  /** 24h volume not above the floor */
  | 'volume'
  /** days to expiry outside [minDaysToExpiry, maxDaysToExpiry] */
  | 'expiry'
  /** strike / spot outside the side's out-of-the-money band */
  | 'moneyness';

export const FILTER_REJECTIONS: readonly FilterRejection[] = [
  'invalid',
  'no-bid',
  'spread',
  'open-interest',
  'volume',
  'expiry',
  'moneyness',
];

/** (ask - bid) / ((ask + bid) / 2); Infinity without a positive bid and ask. */
export function relativeSpread(bid: number | null, ask: number | null): number {
  if (bid === null || ask === null || !(bid > 0) || !(ask > 0)) return Number.POSITIVE_INFINITY;
  return (ask - bid) / ((ask + bid) / 2);
}

/**
 * The candidate filter of a short call or put, cheapest checks first. `spot` is the reference
 * price (> 0) and `now` the evaluation time (ms). Bounds on days and moneyness are inclusive; the
 * liquidity floors and the spread ceiling are strict ("above", "below").
 */
export function filterCandidate(
  c: OptionContract,
  spot: number,
  now: number,
  p: SronaParams,
): FilterRejection | undefined {
  if (!(c.unit > 0) || !(c.strike > 0) || !(c.markIV > 0)) return 'invalid';
  const bid = c.bidPrice;
  if (bid === null || !(bid > 0)) return 'no-bid';
  const ask = c.askPrice;
  if (ask !== null && ask < bid) return 'invalid';
  if (!(relativeSpread(bid, ask) < p.maxRelativeSpread)) return 'spread';
  if (c.openInterest === null || !(c.openInterest > p.minOpenInterest)) return 'open-interest';
  if (!(c.volume > p.minVolume)) return 'volume';
  const days = (c.expiryTime - now) / DAY_MS;
  if (!(days >= p.minDaysToExpiry && days <= p.maxDaysToExpiry)) return 'expiry';
  const m = c.strike / spot;
  if (c.side === 'CALL') {
    if (!(m >= p.callMinMoneyness && m <= p.callMaxMoneyness)) return 'moneyness';
  } else if (!(m >= p.putMinMoneyness && m <= p.putMaxMoneyness)) {
    return 'moneyness';
  }
  return undefined;
}

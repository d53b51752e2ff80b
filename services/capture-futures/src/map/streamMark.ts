// USD-M `!markPrice@arr[@1s]` and `<symbol>@markPrice[@1s]` streams (event `markPriceUpdate`,
// 3000 / 1000 ms) -> FuturesPremiumIndex, the same checked value mapFuturesPremiumIndex
// (premiumIndex.ts) makes from GET /fapi/v1/premiumIndex; FuturesStreamState merges it with the ticker.
// https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream
//
// Keys read (BINANCE_API.md §6) -> FuturesPremiumIndex, with the checks of the REST field they carry:
//   s        symbol
//   p   str  markPrice        required > 0
//   i   str  indexPrice       required > 0
//   r   str  lastFundingRate  fraction; "" -> null (delivery contracts, COIN-M docs), 0 kept
//   T   int  nextFundingTime  0 -> null (delivery contracts)
//   E   int  time: the event carries no other time, and it is the time of the mark/index/funding
//            values (REST premiumIndex `time` is the same instant for the same state)
// Not read: P (estimated settle price; REST does not read estimatedSettlePrice either).
// Not carried: interestRate (null here; the capture learns it from its hourly premiumIndex read).
import {
  type MapContext,
  type Mapped,
  optionalDateMs,
  optionalNumber,
  requiredPositive,
  timeMs,
  mapStreamEvents,
} from '@marketpipe/binance';
import type { FuturesPremiumIndex } from './premiumIndex';

export const FUTURES_STREAM_MARK = '!markPrice@arr|<symbol>@markPrice';
export const FUTURES_STREAM_MARK_EVENT = 'markPriceUpdate';

/** Checks a USD-M mark price stream payload (an array from `!markPrice@arr`, one event from `<symbol>@markPrice`). */
export function mapFuturesStreamMark(data: unknown, ctx: MapContext): Mapped<FuturesPremiumIndex> {
  const captureTime = ctx.captureTime;
  return mapStreamEvents<FuturesPremiumIndex>(data, FUTURES_STREAM_MARK, FUTURES_STREAM_MARK_EVENT, (ev, symbol) => ({
    symbol,
    markPrice: requiredPositive(ev['p'], 'p (markPrice)'),
    indexPrice: requiredPositive(ev['i'], 'i (indexPrice)'),
    lastFundingRate: optionalNumber(ev['r'], 'r (fundingRate)'),
    nextFundingTime: optionalDateMs(ev['T'], 'T (nextFundingTime)'),
    interestRate: null,
    time: timeMs(ev['E'], 'E (eventTime)', captureTime),
  }));
}

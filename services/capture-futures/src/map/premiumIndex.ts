// GET /fapi/v1/premiumIndex (no symbol: array) -> mark, index and funding per symbol, one input of
// the FuturesTicker merge (futuresTicker.ts).
// https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Mark-Price
//
// Fields read (BINANCE_API.md §2.3 "premiumIndex"):
//   symbol           str
//   markPrice        str  required > 0
//   indexPrice       str  required > 0 (the basis rate divides by it)
//   lastFundingRate  str  fraction ("0.00010000" = 0.01 %); optional, 0 is a real rate, "" -> null
//                         (delivery contracts send "0.00000000" (USD-M, live) or "" (COIN-M docs))
//   nextFundingTime  int  ms; 0 -> null (delivery contracts)
//   interestRate     str  interest component per funding interval (0.0001 per 8 h, 0.00005 per 4 h):
//                         the funding rate that is neutral; "" or absent -> null (the mark stream,
//                         which shares this shape, does not carry it)
//   time             int  this source's exchange time
// Not read: estimatedSettlePrice.
// Whether a symbol pays funding at all is decided from exchangeInfo's contractType in the merge,
// not from these values.
import {
  type MapContext,
  type Mapped,
  expectArrayOrObject,
  mapElements,
  optionalDateMs,
  optionalNumber,
  requiredPositive,
  timeMs,
} from '@marketpipe/binance';

export const FUTURES_PREMIUM_INDEX = '/fapi/v1/premiumIndex';

export interface FuturesPremiumIndex {
  symbol: string;
  markPrice: number;
  indexPrice: number;
  lastFundingRate: number | null;
  nextFundingTime: number | null;
  interestRate: number | null;
  time: number;
}

/** Checks a premiumIndex body element by element. */
export function mapFuturesPremiumIndex(raw: unknown, ctx: MapContext): Mapped<FuturesPremiumIndex> {
  const elements = expectArrayOrObject(raw, FUTURES_PREMIUM_INDEX);
  const captureTime = ctx.captureTime;
  return mapElements<FuturesPremiumIndex>(elements, FUTURES_PREMIUM_INDEX, (el, symbol) => ({
    symbol,
    markPrice: requiredPositive(el['markPrice'], 'markPrice'),
    indexPrice: requiredPositive(el['indexPrice'], 'indexPrice'),
    lastFundingRate: optionalNumber(el['lastFundingRate'], 'lastFundingRate'),
    nextFundingTime: optionalDateMs(el['nextFundingTime'], 'nextFundingTime'),
    interestRate: el['interestRate'] === undefined ? null : optionalNumber(el['interestRate'], 'interestRate'),
    time: timeMs(el['time'], 'time', captureTime),
  }));
}

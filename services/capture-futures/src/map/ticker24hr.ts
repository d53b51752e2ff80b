// GET /fapi/v1/ticker/24hr (no symbol: all symbols, array) -> per-symbol 24 h statistics, one input
// of the FuturesTicker merge (futuresTicker.ts).
// https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/24hr-Ticker-Price-Change-Statistics
//
// Fields read (BINANCE_API.md §2.3 "ticker/24hr"); unlike spot there is no bid/ask and no prevClosePrice:
//   symbol              str
//   lastPrice           str  required > 0
//   priceChangePercent  str  required, a PERCENT ("1.502" = 1.502 %), kept as sent
//   highPrice, lowPrice str  required > 0
//   volume              str  base asset, required >= 0
//   quoteVolume         str  required >= 0
//   closeTime           int  end of the rolling window: this source's exchange time
// Not read: priceChange, weightedAvgPrice, lastQty, openPrice, openTime, firstId, lastId, count.
import {
  type MapContext,
  type Mapped,
  expectArrayOrObject,
  mapElements,
  requiredNonNegative,
  requiredNumber,
  requiredPositive,
  timeMs,
} from '@marketpipe/binance';

export const FUTURES_TICKER_24HR = '/fapi/v1/ticker/24hr';

/** The checked part of one futures 24hr ticker element. */
export interface FuturesTicker24h {
  symbol: string;
  lastPrice: number;
  priceChangePercent: number;
  highPrice: number;
  lowPrice: number;
  volume: number;
  quoteVolume: number;
  closeTime: number;
}

/** Checks a futures 24hr ticker body element by element. */
export function mapFuturesTicker24hr(raw: unknown, ctx: MapContext): Mapped<FuturesTicker24h> {
  const elements = expectArrayOrObject(raw, FUTURES_TICKER_24HR);
  const captureTime = ctx.captureTime;
  return mapElements<FuturesTicker24h>(elements, FUTURES_TICKER_24HR, (el, symbol) => ({
    symbol,
    lastPrice: requiredPositive(el['lastPrice'], 'lastPrice'),
    priceChangePercent: requiredNumber(el['priceChangePercent'], 'priceChangePercent'),
    highPrice: requiredPositive(el['highPrice'], 'highPrice'),
    lowPrice: requiredPositive(el['lowPrice'], 'lowPrice'),
    volume: requiredNonNegative(el['volume'], 'volume'),
    quoteVolume: requiredNonNegative(el['quoteVolume'], 'quoteVolume'),
    closeTime: timeMs(el['closeTime'], 'closeTime', captureTime),
  }));
}

// GET /api/v3/ticker/24hr?symbols=[...] (type FULL) -> SpotTicker, one per element.
// https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#24hr-ticker-price-change-statistics
//
// Fields read (BINANCE_API.md §1.3, FULL column) and how:
//   symbol              str  record key
//   lastPrice           str  required > 0   (a delisted pair such as BCCBTC sends "0.00000000": rejected)
//   openPrice, highPrice, lowPrice, weightedAvgPrice  str  required > 0
//   priceChange         str  required, any sign
//   priceChangePercent  str  required, any sign, a PERCENT ("-3.003" = -3.003 %), kept as sent
//   volume, quoteVolume str  required >= 0 (base / quote asset)
//   bidPrice, askPrice  str  0 = no bid/ask -> null, and then its qty is null too
//   bidQty, askQty      str  required >= 0 when the price is there
//   openTime            int  start of the rolling 24 h window
//   closeTime           int  closeTime: the end of the window, i.e. when the symbol's statistics
//                            last changed (seconds before the answer for a quiet pair, days for a
//                            delisted one), so it is not the time of the observation
// eventTime is the observation's exchange time (ctx.observedAt: the exchange clock's earliest reading
// when the request was sent), never before closeTime; without it, closeTime.
//   count               int  tradeCount (>= 0)
// Not read: prevClosePrice, lastQty, firstId, lastId (-1 when no trades).
// With `?symbol=` Binance answers with one object instead of an array; both are accepted.
import type { SpotTicker } from '@marketpipe/contracts';
import {
  type MapContext,
  type Mapped,
  count,
  expectArrayOrObject,
  mapElements,
  optionalPositive,
  requiredNonNegative,
  requiredNumber,
  requiredPositive,
  timeMs,
} from '@marketpipe/binance';

export const SPOT_TICKER_24HR = '/api/v3/ticker/24hr';

/** Maps a spot 24hr ticker body (FULL) to SpotTicker records; bad elements are rejected one by one. */
export function mapSpotTickers(raw: unknown, ctx: MapContext): Mapped<SpotTicker> {
  const elements = expectArrayOrObject(raw, SPOT_TICKER_24HR);
  const captureTime = ctx.captureTime;
  const source = ctx.source;
  const observedAt = ctx.observedAt;
  return mapElements<SpotTicker>(elements, SPOT_TICKER_24HR, (el, symbol) => {
    const bidPrice = optionalPositive(el['bidPrice'], 'bidPrice');
    const askPrice = optionalPositive(el['askPrice'], 'askPrice');
    // The qty is checked even when its price is absent, so a malformed body never passes unnoticed.
    const bidQty = requiredNonNegative(el['bidQty'], 'bidQty');
    const askQty = requiredNonNegative(el['askQty'], 'askQty');
    const closeTime = timeMs(el['closeTime'], 'closeTime', captureTime);
    return {
      symbol,
      eventTime: observedAt !== undefined && observedAt > closeTime ? observedAt : closeTime,
      captureTime,
      source,
      lastPrice: requiredPositive(el['lastPrice'], 'lastPrice'),
      openPrice: requiredPositive(el['openPrice'], 'openPrice'),
      highPrice: requiredPositive(el['highPrice'], 'highPrice'),
      lowPrice: requiredPositive(el['lowPrice'], 'lowPrice'),
      priceChange: requiredNumber(el['priceChange'], 'priceChange'),
      priceChangePercent: requiredNumber(el['priceChangePercent'], 'priceChangePercent'),
      weightedAvgPrice: requiredPositive(el['weightedAvgPrice'], 'weightedAvgPrice'),
      volume: requiredNonNegative(el['volume'], 'volume'),
      quoteVolume: requiredNonNegative(el['quoteVolume'], 'quoteVolume'),
      bidPrice,
      bidQty: bidPrice === null ? null : bidQty,
      askPrice,
      askQty: askPrice === null ? null : askQty,
      openTime: timeMs(el['openTime'], 'openTime', captureTime),
      tradeCount: count(el['count'], 'count'),
      closeTime,
    };
  });
}

// Spot `<symbol>@ticker` stream (event `24hrTicker`, 1000 ms) -> SpotTicker, the same record
// mapSpotTickers (ticker24hr.ts) makes from GET /api/v3/ticker/24hr for the same market state.
// https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#individual-symbol-ticker-streams
//
// Keys read (BINANCE_API.md §6) -> SpotTicker, with the same checks as the REST field they carry:
//   s        symbol
//   E   int  eventTime: when Binance pushed this state (see below)
//   C   int  closeTime, as REST
//   O   int  openTime
//   c   str  lastPrice         required > 0
//   o, h, l, w  str  openPrice, highPrice, lowPrice, weightedAvgPrice  required > 0
//   p   str  priceChange       required, any sign
//   P   str  priceChangePercent  a PERCENT, kept as sent
//   v, q str volume, quoteVolume  required >= 0
//   b, a str bidPrice, askPrice  0 = no bid/ask -> null, and then its qty is null too
//   B, A str bidQty, askQty    required >= 0
//   n   int  tradeCount        >= 0
// Not read: x (prevClosePrice), Q (lastQty), F, L (trade ids) — REST does not read their
// counterparts either.
//
// eventTime is `E`, the time of the observation, as REST's is the time of its answer: `C` (the end
// of the rolling window) is when the symbol's statistics last changed, seconds old for a quiet pair,
// and as eventTime it made a live symbol read stale. A `C` after `E` (never seen) wins, so no record
// is older than the state it carries.
import type { SpotTicker } from '@marketpipe/contracts';
import {
  type MapContext,
  type Mapped,
  count,
  optionalPositive,
  requiredNonNegative,
  requiredNumber,
  requiredPositive,
  timeMs,
  mapStreamEvents,
} from '@marketpipe/binance';

export const SPOT_STREAM_TICKER = '<symbol>@ticker';
export const SPOT_STREAM_TICKER_EVENT = '24hrTicker';
/** The source tag of records mapped from the spot streams (REST: binance.spot.rest). */
export const SPOT_WS_SOURCE = 'binance.spot.ws';

/** Maps a spot `<symbol>@ticker` payload (one event, or an array of them) to SpotTicker records. */
export function mapSpotStreamTicker(data: unknown, ctx: MapContext): Mapped<SpotTicker> {
  const captureTime = ctx.captureTime;
  const source = ctx.source;
  return mapStreamEvents<SpotTicker>(data, SPOT_STREAM_TICKER, SPOT_STREAM_TICKER_EVENT, (ev, symbol) => {
    const bidPrice = optionalPositive(ev['b'], 'b (bidPrice)');
    const askPrice = optionalPositive(ev['a'], 'a (askPrice)');
    // Checked even when its price is absent, as REST does, so a malformed event never passes.
    const bidQty = requiredNonNegative(ev['B'], 'B (bidQty)');
    const askQty = requiredNonNegative(ev['A'], 'A (askQty)');
    const closeTime = timeMs(ev['C'], 'C (closeTime)', captureTime);
    const pushed = timeMs(ev['E'], 'E (event time)', captureTime);
    return {
      symbol,
      eventTime: pushed > closeTime ? pushed : closeTime,
      captureTime,
      source,
      lastPrice: requiredPositive(ev['c'], 'c (lastPrice)'),
      openPrice: requiredPositive(ev['o'], 'o (openPrice)'),
      highPrice: requiredPositive(ev['h'], 'h (highPrice)'),
      lowPrice: requiredPositive(ev['l'], 'l (lowPrice)'),
      priceChange: requiredNumber(ev['p'], 'p (priceChange)'),
      priceChangePercent: requiredNumber(ev['P'], 'P (priceChangePercent)'),
      weightedAvgPrice: requiredPositive(ev['w'], 'w (weightedAvgPrice)'),
      volume: requiredNonNegative(ev['v'], 'v (volume)'),
      quoteVolume: requiredNonNegative(ev['q'], 'q (quoteVolume)'),
      bidPrice,
      bidQty: bidPrice === null ? null : bidQty,
      askPrice,
      askQty: askPrice === null ? null : askQty,
      openTime: timeMs(ev['O'], 'O (openTime)', captureTime),
      tradeCount: count(ev['n'], 'n (count)'),
      closeTime,
    };
  });
}

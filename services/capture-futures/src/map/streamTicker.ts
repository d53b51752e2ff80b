// USD-M `!ticker@arr` (1000 ms, changed symbols only) and `<symbol>@ticker` (2000 ms) streams
// (event `24hrTicker`) -> FuturesTicker24h, the same checked value mapFuturesTicker24hr
// (ticker24hr.ts) makes from GET /fapi/v1/ticker/24hr; FuturesStreamState merges it with the mark.
// https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/All-Market-Tickers-Streams
//
// Keys read (BINANCE_API.md §6) -> FuturesTicker24h, with the checks of the REST field they carry:
//   s          symbol
//   c    str   lastPrice            required > 0
//   P    str   priceChangePercent   a PERCENT, kept as sent
//   h, l str   highPrice, lowPrice  required > 0
//   v, q str   volume, quoteVolume  required >= 0
//   C    int   closeTime: the exchange time of this input, as REST's closeTime (the merge takes the
//              newer of it and the mark's time as eventTime, exactly as for REST)
// Not read (REST does not read their counterparts either): E, p, w, Q, o, O, F, L, n.
import {
  type MapContext,
  type Mapped,
  requiredNonNegative,
  requiredNumber,
  requiredPositive,
  timeMs,
  mapStreamEvents,
} from '@marketpipe/binance';
import type { FuturesTicker24h } from './ticker24hr';

export const FUTURES_STREAM_TICKER = '!ticker@arr|<symbol>@ticker';
export const FUTURES_STREAM_TICKER_EVENT = '24hrTicker';
/** The source tag of records mapped from the USD-M streams (REST: binance.futures.rest). */
export const FUTURES_WS_SOURCE = 'binance.futures.ws';

/** Checks a USD-M ticker stream payload (an array from `!ticker@arr`, one event from `<symbol>@ticker`). */
export function mapFuturesStreamTicker(data: unknown, ctx: MapContext): Mapped<FuturesTicker24h> {
  const captureTime = ctx.captureTime;
  return mapStreamEvents<FuturesTicker24h>(data, FUTURES_STREAM_TICKER, FUTURES_STREAM_TICKER_EVENT, (ev, symbol) => ({
    symbol,
    lastPrice: requiredPositive(ev['c'], 'c (lastPrice)'),
    priceChangePercent: requiredNumber(ev['P'], 'P (priceChangePercent)'),
    highPrice: requiredPositive(ev['h'], 'h (highPrice)'),
    lowPrice: requiredPositive(ev['l'], 'l (lowPrice)'),
    volume: requiredNonNegative(ev['v'], 'v (volume)'),
    quoteVolume: requiredNonNegative(ev['q'], 'q (quoteVolume)'),
    closeTime: timeMs(ev['C'], 'C (closeTime)', captureTime),
  }));
}

// Options stream payloads -> the checked values the REST chain is assembled from (chain.ts), so
// OptionsChainState (streamState.ts) can build the same OptionsChain through assembleOptionsChains.
// Stream docs: https://developers.binance.com/docs/derivatives/options-trading/websocket-market-streams
// (Mark-Price, 24-hour-TICKER, Index-Price-Streams, Open-Interest); keys as BINANCE_API.md §6.
//
// `<underlying>@optionMarkPrice` (/market, 1000 ms; an array of `markPrice` events) -> OptionStreamMark:
//   s                symbol
//   mp          str  markPrice   required >= 0 (REST mark.markPrice)
//   vo          str  markIV      fraction, required >= 0 (REST markIV)
//   b, a        str  bidIV, askIV  <= 0 is the no-quote sentinel ("-1.0" in the docs) -> null
//   d, g, t, v  str  delta, gamma, theta, vega  required, any sign
//   bo, ao      str  bidPrice, askPrice  best bid/ask; 0 = none -> null. REST takes these from
//                    /eapi/v1/ticker; the stream ticker has no bid/ask, the mark event has.
//   bq, aq      str  bidQty, askQty  required >= 0; null when its price is null. REST has none.
//   E           int  time of the event (keeps the state from moving back in time)
//   Not read: i (index; the chain's index is !index@arr, as REST's is /eapi/v1/index), P, hl, ll, rf.
// `<symbol>@optionTicker`, `<underlying>@optionTicker@<YYMMDD>` (/public, 1000 ms; `24hrTicker`)
//   -> OptionStreamTicker:
//   c   str  lastPrice  0 = no trade in the window -> null (REST ticker.lastPrice)
//   v   str  volume     contracts, >= 0 (REST ticker.volume)
//   E   int  time of the event
//   Not read (REST does not read their counterparts): p, P, w, Q, o, h, l, q, O, C, F, L, n.
// `!index@arr` (/market, 1000 ms; `indexPrice` events) -> OptionsIndex:
//   s   underlying (BTCUSDT), p  indexPrice required > 0, E  time: the chain's eventTime, as the
//   REST index body's `time` is
// `<underlying>@optionOpenInterest@<YYMMDD>` (the docs' own example and the SDK say
// `@openInterest@`; /market, 60 s; `openInterest` events, an array per expiry, one object accepted)
//   -> OptionOpenInterest: s, o  openInterest (contracts) >= 0, h  openInterestUsd >= 0, E  time
import {
  type MapContext,
  type Mapped,
  optionalAboveZero,
  optionalPositive,
  requiredNonNegative,
  requiredNumber,
  requiredPositive,
  timeMs,
  mapStreamEvents,
} from '@marketpipe/binance';
import type { OptionsIndex } from './indexPrice';
import type { OptionMark } from './mark';
import type { OptionOpenInterest } from './openInterest';

export const OPTIONS_STREAM_MARK = '<underlying>@optionMarkPrice';
export const OPTIONS_STREAM_TICKER = '<symbol>@optionTicker';
export const OPTIONS_STREAM_INDEX = '!index@arr';
export const OPTIONS_STREAM_OPEN_INTEREST = '<underlying>@optionOpenInterest@<YYMMDD>';
/** The source tag of records mapped from the options streams (REST: binance.options.rest). */
export const OPTIONS_WS_SOURCE = 'binance.options.ws';

/** A `markPrice` event: the REST mark values plus the best quote REST takes from its ticker. */
export interface OptionStreamMark extends OptionMark {
  bidPrice: number | null;
  askPrice: number | null;
  /** Best-quote quantities (contracts); null when that side has no quote. */
  bidQty: number | null;
  askQty: number | null;
  time: number;
}

/** A `24hrTicker` event: the REST ticker values the chain reads, except the best quote. */
export interface OptionStreamTicker {
  symbol: string;
  lastPrice: number | null;
  volume: number;
  time: number;
}

/** Checks an `<underlying>@optionMarkPrice` payload event by event. */
export function mapOptionsStreamMark(data: unknown, ctx: MapContext): Mapped<OptionStreamMark> {
  const captureTime = ctx.captureTime;
  return mapStreamEvents<OptionStreamMark>(data, OPTIONS_STREAM_MARK, 'markPrice', (ev, symbol) => {
    const bidPrice = optionalPositive(ev['bo'], 'bo (bidPrice)');
    const askPrice = optionalPositive(ev['ao'], 'ao (askPrice)');
    // Checked even when its price is absent (the docs send "0.0000" then), so a malformed event never passes.
    const bidQty = requiredNonNegative(ev['bq'], 'bq (bidQty)');
    const askQty = requiredNonNegative(ev['aq'], 'aq (askQty)');
    return {
      symbol,
      markPrice: requiredNonNegative(ev['mp'], 'mp (markPrice)'),
      markIV: requiredNonNegative(ev['vo'], 'vo (markIV)'),
      bidIV: optionalAboveZero(ev['b'], 'b (bidIV)'),
      askIV: optionalAboveZero(ev['a'], 'a (askIV)'),
      delta: requiredNumber(ev['d'], 'd (delta)'),
      gamma: requiredNumber(ev['g'], 'g (gamma)'),
      theta: requiredNumber(ev['t'], 't (theta)'),
      vega: requiredNumber(ev['v'], 'v (vega)'),
      bidPrice,
      askPrice,
      bidQty: bidPrice === null ? null : bidQty,
      askQty: askPrice === null ? null : askQty,
      time: timeMs(ev['E'], 'E (eventTime)', captureTime),
    };
  });
}

/** Checks an `@optionTicker` payload (one event, or an array from the per-expiry stream). */
export function mapOptionsStreamTicker(data: unknown, ctx: MapContext): Mapped<OptionStreamTicker> {
  const captureTime = ctx.captureTime;
  return mapStreamEvents<OptionStreamTicker>(data, OPTIONS_STREAM_TICKER, '24hrTicker', (ev, symbol) => ({
    symbol,
    lastPrice: optionalPositive(ev['c'], 'c (lastPrice)'),
    volume: requiredNonNegative(ev['v'], 'v (volume)'),
    time: timeMs(ev['E'], 'E (eventTime)', captureTime),
  }));
}

/** Checks a `!index@arr` payload event by event; `s` is the underlying. */
export function mapOptionsStreamIndex(data: unknown, ctx: MapContext): Mapped<OptionsIndex> {
  const captureTime = ctx.captureTime;
  return mapStreamEvents<OptionsIndex>(data, OPTIONS_STREAM_INDEX, 'indexPrice', (ev, underlying) => ({
    underlying,
    indexPrice: requiredPositive(ev['p'], 'p (indexPrice)'),
    time: timeMs(ev['E'], 'E (eventTime)', captureTime),
  }));
}

/** Checks an open-interest payload: an array of `openInterest` events (one per contract of the expiry) or one event. */
export function mapOptionsStreamOpenInterest(data: unknown, ctx: MapContext): Mapped<OptionOpenInterest> {
  const captureTime = ctx.captureTime;
  return mapStreamEvents<OptionOpenInterest>(data, OPTIONS_STREAM_OPEN_INTEREST, 'openInterest', (ev, symbol) => ({
    symbol,
    openInterest: requiredNonNegative(ev['o'], 'o (openInterest)'),
    openInterestUsd: requiredNonNegative(ev['h'], 'h (openInterestUsd)'),
    time: timeMs(ev['E'], 'E (eventTime)', captureTime),
  }));
}

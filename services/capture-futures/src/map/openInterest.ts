// GET /fapi/v1/openInterest?symbol= -> the open interest of one symbol, polled per symbol at a slower
// cadence than the tickers and kept (newest per symbol) until the next poll.
// https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Open-Interest
//
//   openInterest  str  contracts in base asset, required >= 0
//   symbol        str
//   time          int  matching-engine time of the value
import {
  type MapContext,
  expectObject,
  orThrow,
  requiredNonNegative,
  requiredString,
  timeMs,
} from '@marketpipe/binance';

export const FUTURES_OPEN_INTEREST = '/fapi/v1/openInterest';

export interface FuturesOpenInterest {
  symbol: string;
  openInterest: number;
  time: number;
}

/** Checks one openInterest body; throws PayloadError (with the symbol when known) if it is unusable. */
export function mapFuturesOpenInterest(raw: unknown, ctx: MapContext): FuturesOpenInterest {
  const body = expectObject(raw, FUTURES_OPEN_INTEREST);
  const rawSymbol = body['symbol'];
  const known = typeof rawSymbol === 'string' && rawSymbol.length > 0 ? rawSymbol : null;
  return orThrow(FUTURES_OPEN_INTEREST, known, () => ({
    symbol: requiredString(rawSymbol, 'symbol'),
    openInterest: requiredNonNegative(body['openInterest'], 'openInterest'),
    time: timeMs(body['time'], 'time', ctx.captureTime),
  }));
}

/**
 * Keeps the newest open interest per symbol: an older or equally old value (a late or repeated
 * response) does not replace a newer one. Returns whether the book changed.
 */
export function keepLatestOpenInterest(book: Map<string, FuturesOpenInterest>, value: FuturesOpenInterest): boolean {
  const held = book.get(value.symbol);
  if (held !== undefined && held.time >= value.time) return false;
  book.set(value.symbol, value);
  return true;
}

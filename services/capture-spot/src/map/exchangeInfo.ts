// GET /api/v3/exchangeInfo -> the spot instrument table and the host's rate limits.
// https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints#exchange-information
//
// Fields read (BINANCE_API.md §1.3); everything else in the body is ignored:
//   serverTime          int  server clock, ms (the body's only time; not an event time of any record)
//   rateLimits[]        obj  rateLimitType str, interval SECOND|MINUTE|DAY, intervalNum int, limit int
//   symbols[].symbol    str  Binance id, upper case (BTCUSDT): the key of every spot record
//   symbols[].status    str  TRADING | END_OF_DAY | HALT | BREAK | CANCEL_ONLY; only TRADING is kept
//   symbols[].baseAsset / quoteAsset  str
import {
  type MapContext,
  type RateLimit,
  type Rejection,
  expectArrayAt,
  expectObject,
  mapElements,
  orThrow,
  parseRateLimits,
  requiredString,
  timeMs,
  instrumentTable,
  type InstrumentEntry,
  type SkippedSymbol,
} from '@marketpipe/binance';

export type { SkippedSymbol };

export const SPOT_EXCHANGE_INFO = '/api/v3/exchangeInfo';

/** One tradable spot symbol, from exchangeInfo metadata (never derived from the symbol text). */
export interface SpotInstrument {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** Always TRADING in the table; kept so a consumer never has to assume it. */
  status: string;
}

export interface SpotExchangeInfo {
  /** Binance server clock at response time (ms); for clock-offset estimates only. */
  serverTime: number;
  rateLimits: RateLimit[];
  /** TRADING symbols only, keyed by Binance symbol. */
  instruments: ReadonlyMap<string, SpotInstrument>;
  skipped: SkippedSymbol[];
  rejected: Rejection[];
}

/** Builds the spot instrument table. Throws PayloadError when the body or its rateLimits are unusable. */
export function mapSpotExchangeInfo(raw: unknown, ctx: MapContext): SpotExchangeInfo {
  const body = expectObject(raw, SPOT_EXCHANGE_INFO);
  const serverTime = orThrow(SPOT_EXCHANGE_INFO, null, () => timeMs(body['serverTime'], 'serverTime', ctx.captureTime));
  const rateLimits = parseRateLimits(body['rateLimits'], SPOT_EXCHANGE_INFO);
  const symbols = expectArrayAt(body, 'symbols', SPOT_EXCHANGE_INFO);

  const entries = mapElements<InstrumentEntry<SpotInstrument>>(symbols, SPOT_EXCHANGE_INFO, (el, symbol) => {
    const status = requiredString(el['status'], 'status');
    if (status !== 'TRADING') return { skipped: { symbol, status } };
    return {
      instrument: {
        symbol,
        baseAsset: requiredString(el['baseAsset'], 'baseAsset'),
        quoteAsset: requiredString(el['quoteAsset'], 'quoteAsset'),
        status,
      },
    };
  });

  const { instruments, skipped, rejected } = instrumentTable(entries, SPOT_EXCHANGE_INFO);
  return { serverTime, rateLimits, instruments, skipped, rejected };
}

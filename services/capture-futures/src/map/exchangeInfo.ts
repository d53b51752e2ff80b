// GET /fapi/v1/exchangeInfo -> the USD-M instrument table and the host's rate limits.
// https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information
//
// Fields read (BINANCE_API.md §2.3); everything else is ignored:
//   serverTime             int  server clock, ms (docs: "ignore, use /time"); for clock-offset estimates only
//   rateLimits[]           obj  as spot
//   symbols[].symbol       str  BTCUSDT, BTCUSDT_241227
//   symbols[].status       str  TRADING | PENDING_TRADING | PRE_DELIVERING | DELIVERING | DELIVERED |
//                               PRE_SETTLE | SETTLING | CLOSE; only TRADING is kept
//   symbols[].contractType str  PERPETUAL, CURRENT_QUARTER, ... ("" on PENDING_TRADING symbols)
//   symbols[].deliveryDate int  ms; perpetuals send 4133404800000 (2100-12-25 08:00 UTC) -> null
//   symbols[].pair, baseAsset, quoteAsset, marginAsset  str
import {
  type MapContext,
  type RateLimit,
  type Rejection,
  dateMs,
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

export const FUTURES_EXCHANGE_INFO = '/fapi/v1/exchangeInfo';

/** deliveryDate Binance gives every perpetual: 2100-12-25T08:00:00Z. */
export const PERPETUAL_DELIVERY_DATE = 4_133_404_800_000;

export interface FuturesInstrument {
  symbol: string;
  /** Underlying pair: BTCUSDT for both BTCUSDT and BTCUSDT_241227 */
  pair: string;
  contractType: string;
  /** null for perpetuals (Binance's 2100-12-25 sentinel) */
  deliveryTime: number | null;
  /** Always TRADING in the table */
  status: string;
  baseAsset: string;
  quoteAsset: string;
  marginAsset: string;
}

export interface FuturesExchangeInfo {
  serverTime: number;
  rateLimits: RateLimit[];
  /** TRADING symbols only, keyed by Binance symbol. */
  instruments: ReadonlyMap<string, FuturesInstrument>;
  skipped: SkippedSymbol[];
  rejected: Rejection[];
}

/** Perpetual-style contracts pay funding (PERPETUAL, TRADIFI_PERPETUAL, PERPETUAL_DELIVERING); delivery contracts do not. */
export function isPerpetual(contractType: string): boolean {
  return contractType.includes('PERPETUAL');
}

/** Builds the USD-M instrument table. Throws PayloadError when the body or its rateLimits are unusable. */
export function mapFuturesExchangeInfo(raw: unknown, ctx: MapContext): FuturesExchangeInfo {
  const body = expectObject(raw, FUTURES_EXCHANGE_INFO);
  const serverTime = orThrow(FUTURES_EXCHANGE_INFO, null, () =>
    timeMs(body['serverTime'], 'serverTime', ctx.captureTime),
  );
  const rateLimits = parseRateLimits(body['rateLimits'], FUTURES_EXCHANGE_INFO);
  const symbols = expectArrayAt(body, 'symbols', FUTURES_EXCHANGE_INFO);

  const entries = mapElements<InstrumentEntry<FuturesInstrument>>(symbols, FUTURES_EXCHANGE_INFO, (el, symbol) => {
    const status = requiredString(el['status'], 'status');
    // Checked before anything else: a PENDING_TRADING symbol has contractType "" and must not be rejected for it.
    if (status !== 'TRADING') return { skipped: { symbol, status } };
    const deliveryDate = dateMs(el['deliveryDate'], 'deliveryDate');
    return {
      instrument: {
        symbol,
        pair: requiredString(el['pair'], 'pair'),
        contractType: requiredString(el['contractType'], 'contractType'),
        deliveryTime: deliveryDate >= PERPETUAL_DELIVERY_DATE ? null : deliveryDate,
        status,
        baseAsset: requiredString(el['baseAsset'], 'baseAsset'),
        quoteAsset: requiredString(el['quoteAsset'], 'quoteAsset'),
        marginAsset: requiredString(el['marginAsset'], 'marginAsset'),
      },
    };
  });

  const { instruments, skipped, rejected } = instrumentTable(entries, FUTURES_EXCHANGE_INFO);
  return { serverTime, rateLimits, instruments, skipped, rejected };
}

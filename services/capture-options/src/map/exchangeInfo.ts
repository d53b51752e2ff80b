// GET /eapi/v1/exchangeInfo -> the European options instrument table and the host's rate limits.
// https://developers.binance.com/docs/derivatives/option/market-data/Exchange-Information
//
// Fields read (BINANCE_API.md §3.4); everything else is ignored:
//   serverTime                  int  server clock, ms; for clock-offset estimates only
//   rateLimits[]                obj  as spot
//   optionContracts[]           obj  underlying str -> baseAsset str (BTCUSDT -> BTC), for openInterest queries
//   optionSymbols[].symbol      str  BTC-251226-100000-C
//   optionSymbols[].underlying  str  BTCUSDT: the chain key
//   optionSymbols[].side        str  CALL | PUT
//   optionSymbols[].strikePrice str  required > 0
//   optionSymbols[].expiryDate  int  ms; the only source of expiry time (the symbol has no time of day)
//   optionSymbols[].unit        int  underlying quantity per contract, > 0
//   optionSymbols[].quoteAsset  str  USDT
//   optionSymbols[].status      str  optional (added 2026-01): absent = TRADING (older bodies listed live contracts only)
// The symbol text is parsed only to cross-check the metadata: an entry whose side, strike or expiry
// date contradicts its own symbol is rejected rather than trusted either way.
import type { OptionSide } from '@marketpipe/contracts';
import {
  type MapContext,
  type RateLimit,
  type Rejection,
  FieldError,
  dateMs,
  expectArrayAt,
  expectObject,
  isRawObject,
  mapElements,
  oneOf,
  orThrow,
  parseRateLimits,
  positiveInteger,
  requiredPositive,
  requiredString,
  timeMs,
  instrumentTable,
  type InstrumentEntry,
  type SkippedSymbol,
} from '@marketpipe/binance';

export type { SkippedSymbol };

export const OPTIONS_EXCHANGE_INFO = '/eapi/v1/exchangeInfo';

const SIDES: readonly OptionSide[] = ['CALL', 'PUT'];
const DAY_MS = 86_400_000;

export interface OptionInstrument {
  symbol: string;
  /** Binance underlying: BTCUSDT */
  underlying: string;
  /** Base asset of the underlying (BTC): the `underlyingAsset` of /eapi/v1/openInterest */
  baseAsset: string;
  side: OptionSide;
  strike: number;
  expiryTime: number;
  /** Underlying quantity per contract; prices are per contract */
  unit: number;
  quoteAsset: string;
  /** Always TRADING in the table */
  status: string;
}

export interface OptionsExchangeInfo {
  serverTime: number;
  rateLimits: RateLimit[];
  /** TRADING option symbols, keyed by Binance symbol. */
  instruments: ReadonlyMap<string, OptionInstrument>;
  /** Distinct underlyings of the table, sorted: one chain (and one /eapi/v1/index poll) each. */
  underlyings: string[];
  skipped: SkippedSymbol[];
  rejected: Rejection[];
}

/** What the symbol text says; a fallback and cross-check only, never the source of a record field. */
export interface ParsedOptionSymbol {
  baseAsset: string;
  /** YYMMDD as written in the symbol */
  expiration: string;
  /** 00:00 UTC of the expiry day (the time of day is not in the symbol) */
  expiryDay: number;
  strike: number;
  side: OptionSide;
}

const SYMBOL_PATTERN = /^([A-Z0-9]+)-(\d{2})(\d{2})(\d{2})-(\d+(?:\.\d+)?)-([CP])$/;

/** Parses `BASE-YYMMDD-STRIKE-C|P` (BINANCE_API.md §3.3); null when the text does not have that form. */
export function parseOptionSymbol(symbol: string): ParsedOptionSymbol | null {
  const m = SYMBOL_PATTERN.exec(symbol);
  if (m === null) return null;
  const [, base, yy, mm, dd, strike, side] = m as unknown as [string, string, string, string, string, string, string];
  const year = 2000 + Number(yy);
  const month = Number(mm);
  const day = Number(dd);
  const expiryDay = Date.UTC(year, month - 1, day);
  const check = new Date(expiryDay);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return {
    baseAsset: base,
    expiration: `${yy}${mm}${dd}`,
    expiryDay,
    strike: Number(strike),
    side: side === 'C' ? 'CALL' : 'PUT',
  };
}

/** YYMMDD of an expiry time in UTC: the `expiration` parameter of /eapi/v1/openInterest. */
export function expirationOf(expiryTime: number): string {
  const d = new Date(expiryTime);
  const yy = String(d.getUTCFullYear() % 100).padStart(2, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${yy}${mm}${dd}`;
}

/** The distinct (underlyingAsset, expiration) pairs /eapi/v1/openInterest must be polled with, sorted. */
export function openInterestQueries(
  instruments: ReadonlyMap<string, OptionInstrument>,
): { underlyingAsset: string; expiration: string }[] {
  const keys = new Set<string>();
  for (const i of instruments.values()) keys.add(`${i.baseAsset} ${expirationOf(i.expiryTime)}`);
  return [...keys].sort().map((key) => {
    const [underlyingAsset = '', expiration = ''] = key.split(' ');
    return { underlyingAsset, expiration };
  });
}

function baseAssets(body: { readonly [key: string]: unknown }): Map<string, string> {
  const byUnderlying = new Map<string, string>();
  const contracts = body['optionContracts'];
  if (!Array.isArray(contracts)) return byUnderlying;
  for (const c of contracts as readonly unknown[]) {
    if (!isRawObject(c)) continue;
    const underlying = c['underlying'];
    const base = c['baseAsset'];
    if (typeof underlying === 'string' && typeof base === 'string' && base.length > 0)
      byUnderlying.set(underlying, base);
  }
  return byUnderlying;
}

/** Builds the options instrument table. Throws PayloadError when the body or its rateLimits are unusable. */
export function mapOptionsExchangeInfo(raw: unknown, ctx: MapContext): OptionsExchangeInfo {
  const body = expectObject(raw, OPTIONS_EXCHANGE_INFO);
  const serverTime = orThrow(OPTIONS_EXCHANGE_INFO, null, () =>
    timeMs(body['serverTime'], 'serverTime', ctx.captureTime),
  );
  const rateLimits = parseRateLimits(body['rateLimits'], OPTIONS_EXCHANGE_INFO);
  const symbols = expectArrayAt(body, 'optionSymbols', OPTIONS_EXCHANGE_INFO);
  const baseByUnderlying = baseAssets(body);

  const entries = mapElements<InstrumentEntry<OptionInstrument>>(symbols, OPTIONS_EXCHANGE_INFO, (el, symbol) => {
    const rawStatus = el['status'];
    const status = rawStatus === undefined ? 'TRADING' : requiredString(rawStatus, 'status');
    if (status !== 'TRADING') return { skipped: { symbol, status } };
    const underlying = requiredString(el['underlying'], 'underlying');
    const side = oneOf(el['side'], 'side', SIDES);
    const strike = requiredPositive(el['strikePrice'], 'strikePrice');
    const expiryTime = dateMs(el['expiryDate'], 'expiryDate');
    const unit = positiveInteger(el['unit'], 'unit');
    const quoteAsset = requiredString(el['quoteAsset'], 'quoteAsset');
    const parsed = parseOptionSymbol(symbol);
    if (parsed !== null) {
      if (parsed.side !== side) throw new FieldError(`side ${side} contradicts the symbol (${parsed.side})`);
      if (parsed.strike !== strike)
        throw new FieldError(`strikePrice ${strike} contradicts the symbol (${parsed.strike})`);
      if (expiryTime - (expiryTime % DAY_MS) !== parsed.expiryDay) {
        throw new FieldError(`expiryDate ${expiryTime} is not on the symbol's expiry day ${parsed.expiration}`);
      }
    }
    const baseAsset = baseByUnderlying.get(underlying) ?? parsed?.baseAsset;
    if (baseAsset === undefined) throw new FieldError(`no baseAsset for underlying ${underlying} in optionContracts`);
    return { instrument: { symbol, underlying, baseAsset, side, strike, expiryTime, unit, quoteAsset, status } };
  });

  const { instruments, skipped, rejected } = instrumentTable(entries, OPTIONS_EXCHANGE_INFO);
  const underlyings = [...new Set([...instruments.values()].map((i) => i.underlying))].sort();
  return { serverTime, rateLimits, instruments, underlyings, skipped, rejected };
}

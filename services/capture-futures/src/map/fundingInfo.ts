// GET /fapi/v1/fundingInfo -> the funding interval of every perpetual Binance lists there.
// https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Get-Funding-Rate-Info
//
// Binance lists only the symbols with an adjusted cap/floor or a non-default interval
// (BINANCE_API.md "Funding intervals"); a perpetual it does not list funds every 8 h.
//   symbol                str
//   fundingIntervalHours  int  required > 0 (1, 4 and 8 seen)
// Not read: adjustedFundingRateCap, adjustedFundingRateFloor, disclaimer.
import { type Mapped, expectArray, mapElements, positiveInteger } from '@marketpipe/binance';

export const FUTURES_FUNDING_INFO = '/fapi/v1/fundingInfo';

/** The interval of a perpetual fundingInfo does not list. */
export const DEFAULT_FUNDING_INTERVAL_HOURS = 8;

export interface FuturesFundingInterval {
  symbol: string;
  fundingIntervalHours: number;
}

/** Checks a fundingInfo body element by element. */
export function mapFuturesFundingInfo(raw: unknown): Mapped<FuturesFundingInterval> {
  const elements = expectArray(raw, FUTURES_FUNDING_INFO);
  return mapElements<FuturesFundingInterval>(elements, FUTURES_FUNDING_INFO, (el, symbol) => {
    const hours = positiveInteger(el['fundingIntervalHours'], 'fundingIntervalHours');
    return { symbol, fundingIntervalHours: hours };
  });
}

/**
 * What the merge knows of each perpetual's funding terms besides the premiumIndex element itself:
 * fundingInfo's intervals (null until read once, so "8 h by default" is never claimed unread) and
 * the newest interestRate per symbol from REST premiumIndex (the mark stream does not carry it).
 */
export interface FundingTerms {
  intervalHours: ReadonlyMap<string, number> | null;
  interestRate: ReadonlyMap<string, number>;
}

export const NO_FUNDING_TERMS: FundingTerms = { intervalHours: null, interestRate: new Map() };

/** The interval table of a checked fundingInfo body. */
export function fundingIntervalTable(intervals: readonly FuturesFundingInterval[]): Map<string, number> {
  const table = new Map<string, number>();
  for (const i of intervals) table.set(i.symbol, i.fundingIntervalHours);
  return table;
}

// GET /eapi/v1/openInterest?underlyingAsset=BTC&expiration=YYMMDD -> open interest per option symbol
// of one underlying and expiry; polled per (underlyingAsset, expiration) and kept (newest per symbol)
// until the next poll.
// https://developers.binance.com/docs/derivatives/options-trading/market-data/Open-Interest
//
//   symbol              str
//   sumOpenInterest     str  contracts, >= 0
//   sumOpenInterestUsd  str  USD value, >= 0
//   timestamp           STR  ms as a digit string (unlike every other time field); a JSON integer is accepted too
import {
  type MapContext,
  type Mapped,
  expectArray,
  mapElements,
  requiredNonNegative,
  timeMsFromText,
} from '@marketpipe/binance';

export const OPTIONS_OPEN_INTEREST = '/eapi/v1/openInterest';

export interface OptionOpenInterest {
  symbol: string;
  openInterest: number;
  openInterestUsd: number;
  time: number;
}

/** Checks an options openInterest body element by element. */
export function mapOptionsOpenInterest(raw: unknown, ctx: MapContext): Mapped<OptionOpenInterest> {
  const elements = expectArray(raw, OPTIONS_OPEN_INTEREST);
  const captureTime = ctx.captureTime;
  return mapElements<OptionOpenInterest>(elements, OPTIONS_OPEN_INTEREST, (el, symbol) => ({
    symbol,
    openInterest: requiredNonNegative(el['sumOpenInterest'], 'sumOpenInterest'),
    openInterestUsd: requiredNonNegative(el['sumOpenInterestUsd'], 'sumOpenInterestUsd'),
    time: timeMsFromText(el['timestamp'], 'timestamp', captureTime),
  }));
}

/** Keeps the newest open interest per symbol; an older or equally old row does not replace a newer one. Returns how many rows were taken. */
export function keepLatestOptionOpenInterest(
  book: Map<string, OptionOpenInterest>,
  rows: readonly OptionOpenInterest[],
): number {
  let taken = 0;
  for (const row of rows) {
    const held = book.get(row.symbol);
    if (held !== undefined && held.time >= row.time) continue;
    book.set(row.symbol, row);
    taken++;
  }
  return taken;
}

// GET /eapi/v1/ticker (no symbol: every option; always an array) -> per-contract quotes and volume,
// one input of the chain (chain.ts).
// https://developers.binance.com/docs/derivatives/option/market-data/24hr-Ticker-Price-Change-Statistics
//
// Fields read (BINANCE_API.md §3.4 "ticker"); prices are per contract (unit x underlying):
//   symbol              str
//   bidPrice, askPrice  str  best bid/ask; "0" = no bid/ask -> null (live: BTC-241220-88000-C both "0")
//   lastPrice           str  "0" = no trade in the window -> null (live: BTC-250926-110000-P)
//   volume              str  24 h volume in CONTRACTS, >= 0 (English docs; the live file agrees:
//                            amount / volume lies between low and high for every traded row)
// No time field describes the snapshot: openTime/closeTime are the first/last TRADE times of the
// window (0 when there was none), so they are not read; the chain's eventTime is the index time.
// Not read either: priceChange, priceChangePercent (a fraction here, unlike spot/futures), lastQty,
// open, high, low, amount (quote turnover), firstTradeId, tradeCount, strikePrice, exercisePrice.
// No best bid/ask QUANTITIES exist on REST, so OptionContract.bidQty/askQty are always null from here.
import {
  type MapContext,
  type Mapped,
  expectArray,
  mapElements,
  optionalPositive,
  requiredNonNegative,
} from '@marketpipe/binance';

export const OPTIONS_TICKER = '/eapi/v1/ticker';

export interface OptionTicker {
  symbol: string;
  bidPrice: number | null;
  askPrice: number | null;
  lastPrice: number | null;
  volume: number;
}

/** Checks an options ticker body element by element. */
export function mapOptionsTicker(raw: unknown, _ctx: MapContext): Mapped<OptionTicker> {
  const elements = expectArray(raw, OPTIONS_TICKER);
  return mapElements<OptionTicker>(elements, OPTIONS_TICKER, (el, symbol) => ({
    symbol,
    bidPrice: optionalPositive(el['bidPrice'], 'bidPrice'),
    askPrice: optionalPositive(el['askPrice'], 'askPrice'),
    lastPrice: optionalPositive(el['lastPrice'], 'lastPrice'),
    volume: requiredNonNegative(el['volume'], 'volume'),
  }));
}

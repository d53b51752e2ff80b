// GET /eapi/v1/mark (no symbol: every option; always an array) -> mark price, IVs and greeks per
// contract, one input of the chain (chain.ts).
// https://developers.binance.com/docs/derivatives/option/market-data/Option-Mark-Price
//
// All fields are decimal strings (BINANCE_API.md §3.4 "mark"); the body has NO time field.
//   symbol       str
//   markPrice    str  per contract, required >= 0 (a worthless option may be marked at 0)
//   markIV       str  a FRACTION ("0.708575" = 70.86 %), required >= 0
//   bidIV, askIV str  fraction; values <= 0 are Binance's no-quote sentinel ("-0.00000001" live on
//                     REST, "-1.0" on WS) -> null
//   delta, gamma, theta, vega  str  required, any sign (the live file has a call with delta -0.911:
//                     odd, probably testnet, but not a parse error)
// Not read: highPriceLimit, lowPriceLimit, riskFreeInterest.
import {
  type MapContext,
  type Mapped,
  expectArray,
  mapElements,
  optionalAboveZero,
  requiredNonNegative,
  requiredNumber,
} from '@marketpipe/binance';

export const OPTIONS_MARK = '/eapi/v1/mark';

export interface OptionMark {
  symbol: string;
  markPrice: number;
  markIV: number;
  bidIV: number | null;
  askIV: number | null;
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
}

/** Checks an options mark body element by element. */
export function mapOptionsMark(raw: unknown, _ctx: MapContext): Mapped<OptionMark> {
  const elements = expectArray(raw, OPTIONS_MARK);
  return mapElements<OptionMark>(elements, OPTIONS_MARK, (el, symbol) => ({
    symbol,
    markPrice: requiredNonNegative(el['markPrice'], 'markPrice'),
    markIV: requiredNonNegative(el['markIV'], 'markIV'),
    bidIV: optionalAboveZero(el['bidIV'], 'bidIV'),
    askIV: optionalAboveZero(el['askIV'], 'askIV'),
    delta: requiredNumber(el['delta'], 'delta'),
    gamma: requiredNumber(el['gamma'], 'gamma'),
    theta: requiredNumber(el['theta'], 'theta'),
    vega: requiredNumber(el['vega'], 'vega'),
  }));
}

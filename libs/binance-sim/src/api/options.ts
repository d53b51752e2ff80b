// European options market data (/eapi/v1): always arrays for ticker and mark, decimals without
// trailing zeros, IVs as fractions, greeks per day / per vol point (see @marketpipe/quant).

import { type Market } from '../model/market';
import { type OptionContract, type OptionQuote, type OptionUnderlying, QTY_DECIMALS } from '../model/options';
import { MINUTE } from '../model/time';
import { fixed, trimmed, truncated } from '../format/decimal';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { floor, max } = Math;

/** What the REST mark endpoint sends for an IV with no quote on that side (recorded live:
 * ETH-231229-800-C had bidIV and askIV "-0.00000001"). */
export const NO_IV = '-0.00000001';

export class OptionsApi {
  constructor(private readonly market: Market) {}

  /** A price in the underlying's decimals, trailing zeros dropped. */
  price(u: OptionUnderlying, units: number): string {
    return trimmed(units / 10 ** u.priceDecimals, u.priceDecimals);
  }

  mark(q: OptionQuote): string {
    const u = q.c.u;
    const iv = (x: number): string => (Number.isFinite(x) ? trimmed(x, 8) : NO_IV);
    return `{"symbol":"${q.c.symbol}","markPrice":"${this.price(u, q.mark)}","bidIV":"${iv(q.bidIV)}","askIV":"${iv(q.askIV)}","markIV":"${trimmed(q.markIV, 8)}","delta":"${trimmed(q.delta, 8)}","theta":"${trimmed(q.theta, 8)}","gamma":"${trimmed(q.gamma, 8)}","vega":"${trimmed(q.vega, 8)}","highPriceLimit":"${this.price(u, q.highLimit)}","lowPriceLimit":"${this.price(u, q.lowLimit)}","riskFreeInterest":"${trimmed(u.rate, 8)}"}`;
  }

  /** 24 h statistics from the contract's trade tape; all zeros (and times 0) without trades. */
  ticker(c: OptionContract, q: OptionQuote, t: number): string {
    const u = c.u;
    const trades = this.market.options.tradesInWindow(c, t);
    const first = trades[0];
    const last = trades[trades.length - 1];
    let high = 0;
    let low = Infinity;
    let volume = 0;
    let amount = 0;
    for (const tr of trades) {
      if (tr.price > high) high = tr.price;
      if (tr.price < low) low = tr.price;
      volume += tr.qty;
      amount += (tr.qty / 10 ** QTY_DECIMALS) * (tr.price / 10 ** u.priceDecimals);
    }
    const open = first?.price ?? 0;
    const close = last?.price ?? 0;
    const change = close - open;
    const percent = open > 0 ? truncated(change / open, 4) : '0';
    const p = (units: number): string => this.price(u, units);
    return `{"symbol":"${c.symbol}","priceChange":"${p(change)}","priceChangePercent":"${percent}","lastPrice":"${p(close)}","lastQty":"${trimmed((last?.qty ?? 0) / 100, QTY_DECIMALS)}","open":"${p(open)}","high":"${p(high)}","low":"${p(low === Infinity ? 0 : low)}","volume":"${trimmed(volume / 100, QTY_DECIMALS)}","amount":"${trimmed(amount, max(2, u.priceDecimals))}","bidPrice":"${p(q.bid)}","askPrice":"${p(q.ask)}","openTime":${first?.time ?? 0},"closeTime":${last?.time ?? 0},"firstTradeId":${first?.id ?? 0},"tradeCount":${trades.length},"strikePrice":"${c.strikeText}","exercisePrice":"${fixed(q.indexPrice, 8)}"}`;
  }

  index(u: OptionUnderlying, t: number): string {
    return `{"time":${t},"indexPrice":"${trimmed(this.market.options.indexPrice(u, t), 8)}"}`;
  }

  /** One row per contract of that underlying and expiry; `timestamp` is a string here, and
   * minute-aligned like the recorded one. */
  openInterest(contracts: readonly OptionContract[], t: number): string {
    const minute = floor(t / MINUTE) * MINUTE;
    const rows = contracts.map((c) => {
      const oi = this.market.options.openInterest(c, t);
      const usd = oi * this.market.options.indexPrice(c.u, minute);
      return `{"symbol":"${c.symbol}","sumOpenInterest":"${fixed(oi, QTY_DECIMALS)}","sumOpenInterestUsd":"${trimmed(usd, 10)}","timestamp":"${minute}"}`;
    });
    return '[' + rows.join(',') + ']';
  }
}

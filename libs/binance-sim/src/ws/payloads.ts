// Stream payloads, built from the REST builders' own output for the same model second: the REST
// row is parsed and its values copied under the stream's keys, so a REST ticker and a stream
// ticker at the same time cannot disagree on a price, an IV or a greek.

import { type FuturesApi } from '../api/futures';
import { bucketStart, type Interval, klinesJson } from '../api/klines';
import { type OptionsApi } from '../api/options';
import { type SpotApi } from '../api/spot';
import { trimmed } from '../format/decimal';
import { type Market } from '../model/market';
import { type OptionContract, type OptionQuote, type OptionUnderlying, QTY_DECIMALS } from '../model/options';
import { uniform } from '../model/random';
import { MINUTE, SECOND } from '../model/time';
import { type FuturesMarket, type SpotMarket } from '../model/universe';
import { type StreamKind } from './streams';

type Row = Record<string, string | number>;

/** One symbol's element of an array payload; `key` holds its state without the times, so an
 * unchanged symbol can be left out of changed-only arrays. */
export interface Item {
  readonly symbol: string;
  readonly key: string;
  readonly json: string;
}

/** `sequence`: events of a single-object stream that leave as separate frames, in order, in one
 * tick (a kline's closing update, then the first update of the next candle). */
export type Payload =
  { readonly one: string } | { readonly many: readonly Item[] } | { readonly sequence: readonly string[] };

const S_WS_BOOK = 90;

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { floor, min } = Math;

const str = (r: Row, k: string): string => String(r[k]);
const int = (r: Row, k: string): number => Number(r[k]);

export class Payloads {
  /** Rows parsed in the current model second, shared by every stream that needs them. */
  private memo: { t: number; rows: Map<string, Row>; futures: Map<string, FuturesMarket> } = {
    t: -1,
    rows: new Map(),
    futures: new Map(),
  };
  private readonly underlyings: Map<string, OptionUnderlying>;

  constructor(
    private readonly market: Market,
    private readonly spot: SpotApi,
    private readonly futures: FuturesApi,
    private readonly options: OptionsApi,
  ) {
    // Underlying-keyed option streams accept the pair (btcusdt, as in the docs' examples) and the
    // base asset (btc, as in the pre-2026 names).
    this.underlyings = new Map();
    for (const u of market.options.underlyings) {
      this.underlyings.set(u.underlying.toLowerCase(), u);
      this.underlyings.set(u.base.toLowerCase(), u);
    }
  }

  private at(t: number): void {
    if (this.memo.t === t) return;
    this.memo = {
      t,
      rows: new Map(),
      futures: new Map(this.market.universe.futures(t).map((f) => [f.symbol, f])),
    };
  }

  private row(key: string, build: () => string): Row {
    let r = this.memo.rows.get(key);
    if (!r) {
      r = JSON.parse(build()) as Row;
      this.memo.rows.set(key, r);
    }
    return r;
  }

  /** The payload of a stream at model second t; undefined when there is nothing to send (a symbol
   * that is not listed, an underlying without contracts). `since` is the model second of the
   * stream's previous push, if any: a kline stream whose candle has changed since then closes the
   * previous candle first. */
  build(kind: StreamKind, t: number, since?: number): Payload | undefined {
    this.at(t);
    switch (kind.type) {
      case 'spotTicker': {
        const r = this.spotRow(kind.symbol.toUpperCase(), t);
        return r && { one: spotTicker(r, t) };
      }
      case 'spotMiniTicker': {
        const r = this.spotRow(kind.symbol.toUpperCase(), t);
        return r && { one: miniTicker(r, t).json };
      }
      case 'spotKline': {
        const m = this.market.universe.spotMarket(kind.symbol.toUpperCase());
        return m && m.status === 'TRADING' ? this.kline(m, kind.interval, t, since) : undefined;
      }
      case 'spotMiniTickerArr':
        return {
          many: this.market.universe.spot.map((m) => miniTicker(this.spotRow(m.symbol, t) as Row, t)),
        };
      case 'futTicker': {
        const f = this.memo.futures.get(kind.symbol.toUpperCase());
        return f && { one: this.futTicker(f, t).json };
      }
      case 'futTickerArr':
        return { many: [...this.memo.futures.values()].map((f) => this.futTicker(f, t)) };
      case 'futMarkPrice': {
        const f = this.memo.futures.get(kind.symbol.toUpperCase());
        return f && { one: this.markPrice(f, t).json };
      }
      case 'futMarkPriceArr':
        return { many: [...this.memo.futures.values()].map((f) => this.markPrice(f, t)) };
      case 'optMarkPrice': {
        const u = this.underlyings.get(kind.underlying);
        if (!u) return undefined;
        const items = this.quotes(t, (c) => c.u === u).map((q) => this.optionMark(q, t));
        return items.length > 0 ? { many: items } : undefined;
      }
      case 'optTicker': {
        const q = this.market.options.quotes(t).get(kind.symbol.toUpperCase());
        return q && { one: this.optionTicker(q, t).json };
      }
      case 'optTickerExpiry': {
        const u = this.underlyings.get(kind.underlying);
        if (!u) return undefined;
        const items = this.quotes(t, (c) => c.u === u && expiryOf(c) === kind.expiry).map((q) =>
          this.optionTicker(q, t),
        );
        return items.length > 0 ? { many: items } : undefined;
      }
      case 'optIndexArr':
        return { many: this.market.options.underlyings.map((u) => this.index(u, t)) };
      case 'optOpenInterest': {
        const u = this.underlyings.get(kind.underlying);
        if (!u) return undefined;
        const contracts = this.market.options
          .contracts(t)
          .filter((c) => c.u === u && expiryOf(c) === kind.expiry && c.listedAt <= t && t < c.expiry);
        if (contracts.length === 0) return undefined;
        const rows = JSON.parse(this.options.openInterest(contracts, t)) as Row[];
        return {
          many: rows.map((r) => {
            const key = `"s":"${str(r, 'symbol')}","o":"${str(r, 'sumOpenInterest')}","h":"${str(r, 'sumOpenInterestUsd')}"`;
            return { symbol: str(r, 'symbol'), key, json: `{"e":"openInterest","E":${t},${key}}` };
          }),
        };
      }
    }
  }

  private spotRow(symbol: string, t: number): Row | undefined {
    const m = this.market.universe.spotMarket(symbol);
    return m && this.row('spot:' + symbol, () => this.spot.ticker24hr(m, t, false, false));
  }

  /**
   * The candle containing t as `/api/v3/klines` answers at t (x false), preceded, when the previous
   * push was in an earlier candle, by the candle just before it as REST answers once it is closed
   * (x true): Binance's last update of a candle is the one that closes it. Streams are in UTC.
   */
  private kline(m: SpotMarket, interval: Interval, t: number, since: number | undefined): Payload | undefined {
    const inst = m.inst;
    const current = bucketStart(interval, t, 0);
    const closing = since !== undefined && bucketStart(interval, since, 0) < current;
    const rows = JSON.parse(
      klinesJson(this.market, inst, { interval, limit: closing ? 2 : 1, tz: 0 }, t, this.spot.formats(inst)),
    ) as (string | number)[][];
    const events = rows.map((r) => {
      const open = Number(r[0]);
      const closeTime = Number(r[6]);
      const n = Number(r[8]);
      // REST klines carry no trade ids: the last is the tickers' lastId at the candle's last
      // second so far, the first follows from the count, as in the tickers.
      const last =
        n === 0 ? -1 : this.market.candles.lastTradeId(inst, min(closeTime + 1 - SECOND, t), floor(open / MINUTE));
      const first = n === 0 ? -1 : last - n + 1;
      return `{"e":"kline","E":${t},"s":"${m.symbol}","k":{"t":${open},"T":${closeTime},"s":"${m.symbol}","i":"${interval.name}","f":${first},"L":${last},"o":"${String(r[1])}","c":"${String(r[4])}","h":"${String(r[2])}","l":"${String(r[3])}","v":"${String(r[5])}","n":${n},"x":${open < current},"q":"${String(r[7])}","V":"${String(r[9])}","Q":"${String(r[10])}","B":"${String(r[11])}"}}`;
    });
    if (events.length === 0) return undefined;
    return events.length === 1 ? { one: events[0] as string } : { sequence: events };
  }

  private quotes(t: number, keep: (c: OptionContract) => boolean): OptionQuote[] {
    const out: OptionQuote[] = [];
    for (const q of this.market.options.quotes(t).values()) if (keep(q.c)) out.push(q);
    return out;
  }

  private futTicker(f: FuturesMarket, t: number): Item {
    const r = this.row('fut:' + f.symbol, () => this.futures.ticker24hr(f, t));
    const key = `"s":"${f.symbol}","p":"${str(r, 'priceChange')}","P":"${str(r, 'priceChangePercent')}","w":"${str(r, 'weightedAvgPrice')}","c":"${str(r, 'lastPrice')}","Q":"${str(r, 'lastQty')}","o":"${str(r, 'openPrice')}","h":"${str(r, 'highPrice')}","l":"${str(r, 'lowPrice')}","v":"${str(r, 'volume')}","q":"${str(r, 'quoteVolume')}"`;
    const ids = `"F":${int(r, 'firstId')},"L":${int(r, 'lastId')},"n":${int(r, 'count')}`;
    return {
      symbol: f.symbol,
      key: key + ids,
      json: `{"e":"24hrTicker","E":${t},${key},"O":${int(r, 'openTime')},"C":${int(r, 'closeTime')},${ids}}`,
    };
  }

  private markPrice(f: FuturesMarket, t: number): Item {
    const r = this.row('premium:' + f.symbol, () => this.futures.premiumIndex(f, t));
    const key = `"s":"${f.symbol}","p":"${str(r, 'markPrice')}","i":"${str(r, 'indexPrice')}","P":"${str(r, 'estimatedSettlePrice')}","r":"${str(r, 'lastFundingRate')}","T":${int(r, 'nextFundingTime')}`;
    return { symbol: f.symbol, key, json: `{"e":"markPriceUpdate","E":${t},${key}}` };
  }

  private optionMark(q: OptionQuote, t: number): Item {
    const c = q.c;
    const u = c.u;
    const r = this.row('mark:' + c.symbol, () => this.options.mark(q));
    const index = this.indexText(u, t);
    // The REST API has no book quantities for options; these are stable within a second and zero
    // on a side without a quote.
    const qty = (side: number, price: number): string =>
      price > 0
        ? trimmed((1 + floor(uniform(this.market.seed, S_WS_BOOK, c.id, t / 1000, side) * 5000)) / 100, QTY_DECIMALS)
        : '0';
    const key = `"s":"${c.symbol}","mp":"${str(r, 'markPrice')}","i":"${index}","P":"${index}","bo":"${this.options.price(u, q.bid)}","ao":"${this.options.price(u, q.ask)}","bq":"${qty(0, q.bid)}","aq":"${qty(1, q.ask)}","b":"${str(r, 'bidIV')}","a":"${str(r, 'askIV')}","hl":"${str(r, 'highPriceLimit')}","ll":"${str(r, 'lowPriceLimit')}","vo":"${str(r, 'markIV')}","rf":"${str(r, 'riskFreeInterest')}","d":"${str(r, 'delta')}","t":"${str(r, 'theta')}","g":"${str(r, 'gamma')}","v":"${str(r, 'vega')}"`;
    return { symbol: c.symbol, key, json: `{"e":"markPrice","E":${t},${key}}` };
  }

  private optionTicker(q: OptionQuote, t: number): Item {
    const c = q.c;
    const r = this.row('optTicker:' + c.symbol, () => this.options.ticker(c, q, t));
    const trades = this.market.options.tradesInWindow(c, t);
    const lastId = trades.length > 0 ? (trades[trades.length - 1]?.id ?? 0) : 0;
    const volume = Number(r.volume);
    const vwap = volume > 0 ? trimmed(Number(r.amount) / volume, c.u.priceDecimals) : '0';
    const key = `"s":"${c.symbol}","p":"${str(r, 'priceChange')}","P":"${str(r, 'priceChangePercent')}","w":"${vwap}","c":"${str(r, 'lastPrice')}","Q":"${str(r, 'lastQty')}","o":"${str(r, 'open')}","h":"${str(r, 'high')}","l":"${str(r, 'low')}","v":"${str(r, 'volume')}","q":"${str(r, 'amount')}"`;
    const ids = `"F":${int(r, 'firstTradeId')},"L":${lastId},"n":${int(r, 'tradeCount')}`;
    return {
      symbol: c.symbol,
      key: key + ids,
      json: `{"e":"24hrTicker","E":${t},${key},"O":${int(r, 'openTime')},"C":${int(r, 'closeTime')},${ids}}`,
    };
  }

  private indexText(u: OptionUnderlying, t: number): string {
    return str(
      this.row('index:' + u.underlying, () => this.options.index(u, t)),
      'indexPrice',
    );
  }

  private index(u: OptionUnderlying, t: number): Item {
    const key = `"s":"${u.underlying}","p":"${this.indexText(u, t)}"`;
    return { symbol: u.underlying, key, json: `{"e":"indexPrice","E":${t},${key}}` };
  }
}

function spotTicker(r: Row, t: number): string {
  return `{"e":"24hrTicker","E":${t},"s":"${str(r, 'symbol')}","p":"${str(r, 'priceChange')}","P":"${str(r, 'priceChangePercent')}","w":"${str(r, 'weightedAvgPrice')}","x":"${str(r, 'prevClosePrice')}","c":"${str(r, 'lastPrice')}","Q":"${str(r, 'lastQty')}","b":"${str(r, 'bidPrice')}","B":"${str(r, 'bidQty')}","a":"${str(r, 'askPrice')}","A":"${str(r, 'askQty')}","o":"${str(r, 'openPrice')}","h":"${str(r, 'highPrice')}","l":"${str(r, 'lowPrice')}","v":"${str(r, 'volume')}","q":"${str(r, 'quoteVolume')}","O":${int(r, 'openTime')},"C":${int(r, 'closeTime')},"F":${int(r, 'firstId')},"L":${int(r, 'lastId')},"n":${int(r, 'count')}}`;
}

function miniTicker(r: Row, t: number): Item {
  const key = `"s":"${str(r, 'symbol')}","c":"${str(r, 'lastPrice')}","o":"${str(r, 'openPrice')}","h":"${str(r, 'highPrice')}","l":"${str(r, 'lowPrice')}","v":"${str(r, 'volume')}","q":"${str(r, 'quoteVolume')}"`;
  return { symbol: str(r, 'symbol'), key, json: `{"e":"24hrMiniTicker","E":${t},${key}}` };
}

function expiryOf(c: OptionContract): string {
  return c.symbol.split('-')[1] ?? '';
}

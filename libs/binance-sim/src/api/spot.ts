// Spot market data (/api/v3) as Binance writes it: every price and quantity a string with 8
// decimals, times as integers, tickers over the rolling 24 h window.

import { type Bar, type Instrument, type LiveMinute } from '../model/candles';
import { type Market } from '../model/market';
import { hash5 } from '../model/random';
import { DAY } from '../model/time';
import { type SpotMarket } from '../model/universe';
import { fixed, units } from '../format/decimal';
import { type KlineFormat } from './klines';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { exp, floor, max, round } = Math;

const S_BOOK = 50;

/** A spot symbol's state at one second. Prices in price units, quantities in volume units. */
export interface SpotSnapshot {
  readonly m: SpotMarket;
  readonly window: Bar;
  readonly live: LiveMinute;
  readonly bid: number;
  readonly ask: number;
  readonly bidQty: number;
  readonly askQty: number;
  readonly lastQty: number;
  readonly firstId: number;
  readonly lastId: number;
}

/** A small quantity around a typical trade size, in volume units, at least one unit; `u` in [0, 1). */
function quantity(inst: Instrument, u: number, scale: number): number {
  return max(1, floor(inst.tradeSize * scale * (0.1 + 2 * u) * 10 ** inst.grid.qtyDecimals));
}

export class SpotApi {
  private memo: { t: number; snapshots: Map<string, SpotSnapshot> } = { t: -1, snapshots: new Map() };

  constructor(private readonly market: Market) {}

  formats(inst: Instrument): KlineFormat {
    const g = inst.grid;
    return {
      price: (u) => units(u, g.priceDecimals, 8),
      qty: (u) => units(u, g.qtyDecimals, 8),
      quote: (u) => units(u, g.quoteDecimals, 8),
    };
  }

  /** Snapshot of a symbol at t, shared by the ticker, price and book endpoints within a second. */
  snapshot(m: SpotMarket, t: number): SpotSnapshot {
    if (this.memo.t !== t) this.memo = { t, snapshots: new Map() };
    const hit = this.memo.snapshots.get(m.symbol);
    if (hit) return hit;
    const inst = m.inst;
    const seed = this.market.seed;
    const { bar: window, live } = this.market.candles.window(inst, t);
    // One hash per symbol and second, split into four draws (book quantities, last quantity, spread).
    const h = hash5(seed, S_BOOK, inst.id, t / 1000, 0);
    const spreadTicks = (h & 7) === 0 ? 2 : 1;
    const lastId = window.trades === 0 ? -1 : inst.maxTrades * live.minute + live.bar.trades;
    const s: SpotSnapshot = {
      m,
      window,
      live,
      bid: window.close,
      ask: window.close + spreadTicks * inst.grid.tickUnits,
      bidQty: quantity(inst, ((h >>> 3) & 1023) / 1024, 5),
      askQty: quantity(inst, ((h >>> 13) & 1023) / 1024, 5),
      lastQty: quantity(inst, ((h >>> 23) & 511) / 512, 1),
      lastId,
      firstId: window.trades === 0 ? -1 : lastId - window.trades + 1,
    };
    this.memo.snapshots.set(m.symbol, s);
    return s;
  }

  /** One ticker/24hr object. `micros` writes times in µs. */
  ticker24hr(m: SpotMarket, t: number, mini: boolean, micros: boolean): string {
    const tu = micros ? 1000 : 1;
    if (m.status !== 'TRADING') return haltedTicker(m, t, mini, tu);
    const s = this.snapshot(m, t);
    const g = m.inst.grid;
    const w = s.window;
    const p = (u: number): string => units(u, g.priceDecimals, 8);
    const volume = units(w.volume, g.qtyDecimals, 8);
    const quote = units(w.quote, g.quoteDecimals, 8);
    const times = `"openTime":${(t - DAY) * tu},"closeTime":${t * tu},"firstId":${s.firstId},"lastId":${s.lastId},"count":${w.trades}}`;
    if (mini)
      return `{"symbol":"${m.symbol}","openPrice":"${p(w.open)}","highPrice":"${p(w.high)}","lowPrice":"${p(w.low)}","lastPrice":"${p(w.close)}","volume":"${volume}","quoteVolume":"${quote}",${times}`;
    const change = w.close - w.open;
    const percent = w.open > 0 ? fixed((change / w.open) * 100, 3) : '0.000';
    const vwap =
      w.volume > 0 ? fixed(w.quote / 10 ** g.quoteDecimals / (w.volume / 10 ** g.qtyDecimals), 8) : '0.00000000';
    const q = (u: number): string => units(u, g.qtyDecimals, 8);
    const open = p(w.open);
    const last = p(w.close); // also the bid
    return `{"symbol":"${m.symbol}","priceChange":"${p(change)}","priceChangePercent":"${percent}","weightedAvgPrice":"${vwap}","prevClosePrice":"${open}","lastPrice":"${last}","lastQty":"${q(s.lastQty)}","bidPrice":"${s.bid === w.close ? last : p(s.bid)}","bidQty":"${q(s.bidQty)}","askPrice":"${p(s.ask)}","askQty":"${q(s.askQty)}","openPrice":"${open}","highPrice":"${p(w.high)}","lowPrice":"${p(w.low)}","volume":"${volume}","quoteVolume":"${quote}",${times}`;
  }

  price(m: SpotMarket, t: number): string {
    const price = m.status === 'TRADING' ? units(this.snapshot(m, t).window.close, m.inst.grid.priceDecimals, 8) : ZERO;
    return `{"symbol":"${m.symbol}","price":"${price}"}`;
  }

  bookTicker(m: SpotMarket, t: number): string {
    if (m.status !== 'TRADING')
      return `{"symbol":"${m.symbol}","bidPrice":"${ZERO}","bidQty":"${ZERO}","askPrice":"${ZERO}","askQty":"${ZERO}"}`;
    const s = this.snapshot(m, t);
    const g = m.inst.grid;
    const p = (u: number): string => units(u, g.priceDecimals, 8);
    const q = (u: number): string => units(u, g.qtyDecimals, 8);
    return `{"symbol":"${m.symbol}","bidPrice":"${p(s.bid)}","bidQty":"${q(s.bidQty)}","askPrice":"${p(s.ask)}","askQty":"${q(s.askQty)}"}`;
  }
}

const ZERO = '0.00000000';

/** A symbol in BREAK/HALT: Binance still lists it, with zero statistics and ids of -1. */
function haltedTicker(m: SpotMarket, t: number, mini: boolean, tu: number): string {
  const times = `"openTime":${(t - DAY) * tu},"closeTime":${t * tu},"firstId":-1,"lastId":-1,"count":0}`;
  if (mini)
    return `{"symbol":"${m.symbol}","openPrice":"${ZERO}","highPrice":"${ZERO}","lowPrice":"${ZERO}","lastPrice":"${ZERO}","volume":"${ZERO}","quoteVolume":"${ZERO}",${times}`;
  const prevClose = units(
    round(exp(m.inst.path.logBase) * 10 ** m.inst.grid.priceDecimals),
    m.inst.grid.priceDecimals,
    8,
  );
  return `{"symbol":"${m.symbol}","priceChange":"${ZERO}","priceChangePercent":"0.000","weightedAvgPrice":"${ZERO}","prevClosePrice":"${prevClose}","lastPrice":"${ZERO}","lastQty":"${ZERO}","bidPrice":"${ZERO}","bidQty":"${ZERO}","askPrice":"${ZERO}","askQty":"${ZERO}","openPrice":"${ZERO}","highPrice":"${ZERO}","lowPrice":"${ZERO}","volume":"${ZERO}","quoteVolume":"${ZERO}",${times}`;
}

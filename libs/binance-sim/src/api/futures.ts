// USD-M futures market data (/fapi/v1): prices with the contract's pricePrecision, quantities with
// its quantityPrecision, premium index and funding on each perpetual's own schedule (8, 4 or 1 h).

import { type Instrument } from '../model/candles';
import { fundingRate, interestRate, nextFundingTime, openInterest } from '../model/derivatives';
import { HOUR } from '../model/time';
import { type Market } from '../model/market';
import { uniform } from '../model/random';
import { MINUTE } from '../model/time';
import { type FuturesMarket } from '../model/universe';
import { fixed, units } from '../format/decimal';
import { type KlineFormat } from './klines';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { ceil, exp, floor, max, min, round } = Math;

const S_LAST_QTY = 60;

export class FuturesApi {
  constructor(private readonly market: Market) {}

  formats(inst: Instrument): KlineFormat {
    const g = inst.grid;
    return {
      price: (u) => units(u, g.priceDecimals, g.priceDecimals),
      qty: (u) => units(u, g.qtyDecimals, g.qtyDecimals),
      quote: (u) => units(u, g.quoteDecimals, g.priceDecimals),
    };
  }

  /** One ticker/24hr object: the 16 futures keys (no prevClosePrice, bid or ask). The window
   * starts at the minute boundary 24 h back, as Binance's futures openTime does. */
  ticker24hr(f: FuturesMarket, t: number): string {
    const inst = f.inst;
    const g = inst.grid;
    const { bar: w, live } = this.market.candles.window(inst, t);
    const p = (u: number): string => units(u, g.priceDecimals, g.priceDecimals);
    const change = w.close - w.open;
    const percent = w.open > 0 ? fixed((change / w.open) * 100, 3) : '0.000';
    const vwap =
      w.volume > 0 ? fixed(w.quote / 10 ** g.quoteDecimals / (w.volume / 10 ** g.qtyDecimals), g.priceDecimals) : p(0);
    const lastQty = max(
      1,
      floor(inst.tradeSize * 10 ** g.qtyDecimals * 2 * uniform(this.market.seed, S_LAST_QTY, inst.id, t / 1000, 0)),
    );
    const lastId = w.trades === 0 ? -1 : inst.maxTrades * live.minute + live.bar.trades;
    const firstId = w.trades === 0 ? -1 : lastId - w.trades + 1;
    return `{"symbol":"${f.symbol}","priceChange":"${p(change)}","priceChangePercent":"${percent}","weightedAvgPrice":"${vwap}","lastPrice":"${p(w.close)}","lastQty":"${units(lastQty, g.qtyDecimals, g.qtyDecimals)}","openPrice":"${p(w.open)}","highPrice":"${p(w.high)}","lowPrice":"${p(w.low)}","volume":"${units(w.volume, g.qtyDecimals, g.qtyDecimals)}","quoteVolume":"${units(w.quote, g.quoteDecimals, g.priceDecimals)}","openTime":${(live.minute - 1439) * MINUTE},"closeTime":${t},"firstId":${firstId},"lastId":${lastId},"count":${w.trades}}`;
  }

  /** Mark price: the index times (1 + premium) at t, on the contract's tick. */
  markPrice(f: FuturesMarket, t: number): number {
    const live = this.market.candles.live(f.inst, t);
    const g = f.inst.grid;
    const shift = f.inst.shift ? f.inst.shift(floor(t / MINUTE)) : 0;
    const ticks = round((exp(live.pathLog + shift) * 10 ** g.priceDecimals) / g.tickUnits);
    return (ticks * g.tickUnits) / 10 ** g.priceDecimals;
  }

  indexPrice(f: FuturesMarket, t: number): number {
    return exp(this.market.paths.logAt(f.index.inst.path, t));
  }

  premiumIndex(f: FuturesMarket, t: number): string {
    const index = this.indexPrice(f, t);
    const perpetual = f.contractType === 'PERPETUAL';
    // Delivery contracts: USD-M sends zero rates and nextFundingTime 0 (live recording of BTCUSDT_250627).
    const hours = f.fundingIntervalHours;
    const rate = perpetual ? fundingRate(this.market.seed, f.inst.id, t, hours) : 0;
    const interest = perpetual ? interestRate(hours) : 0;
    const next = perpetual ? nextFundingTime(t, hours) : 0;
    return `{"symbol":"${f.symbol}","markPrice":"${fixed(this.markPrice(f, t), 8)}","indexPrice":"${fixed(index, 8)}","estimatedSettlePrice":"${fixed(index, 8)}","lastFundingRate":"${fixed(rate, 8)}","interestRate":"${fixed(interest, 8)}","nextFundingTime":${next},"time":${t}}`;
  }

  openInterest(f: FuturesMarket, t: number): string {
    const g = f.inst.grid;
    const oi = round(openInterest(this.market.seed, f.inst.id, t, f.openInterest) * 10 ** g.qtyDecimals);
    return `{"symbol":"${f.symbol}","openInterest":"${units(oi, g.qtyDecimals, g.qtyDecimals)}","time":${t}}`;
  }

  /** The perpetuals whose funding interval is not 8 h, as fundingInfo lists them (Binance also lists
   * symbols with an adjusted cap or floor; the simulator adjusts none). */
  fundingInfo(markets: readonly FuturesMarket[]): string {
    const rows = markets
      .filter((f) => f.contractType === 'PERPETUAL' && f.fundingIntervalHours !== 8)
      .map(
        (f) =>
          `{"symbol":"${f.symbol}","adjustedFundingRateCap":"0.02000000","adjustedFundingRateFloor":"-0.02000000","fundingIntervalHours":${f.fundingIntervalHours},"disclaimer":false}`,
      );
    return '[' + rows.join(',') + ']';
  }

  /** Settled funding of the perpetuals in `markets` between from and to (inclusive), ascending by
   * time, at most `limit` rows: the oldest ones when `fromStart`, else the newest. Each perpetual
   * settles on its own interval; the walk steps by the shortest one among them. */
  fundingHistory(
    markets: readonly FuturesMarket[],
    from: number,
    to: number,
    limit: number,
    fromStart: boolean,
  ): string {
    const rows: string[] = [];
    const perps = markets.filter((f) => f.contractType === 'PERPETUAL');
    if (perps.length === 0) return '[]';
    const step = min(...perps.map((f) => f.fundingIntervalHours)) * HOUR;
    let first = ceil(from / step) * step;
    const last = floor(to / step) * step;
    const onboard = min(...perps.map((f) => f.onboardDate));
    first = max(first, ceil(onboard / step) * step);
    const settles = (f: FuturesMarket, ft: number): boolean =>
      ft >= f.onboardDate && ft % (f.fundingIntervalHours * HOUR) === 0;
    const row = (f: FuturesMarket, ft: number): string =>
      `{"symbol":"${f.symbol}","fundingRate":"${fixed(fundingRate(this.market.seed, f.inst.id, ft, f.fundingIntervalHours), 8)}","fundingTime":${ft},"markPrice":"${fixed(this.markPrice(f, ft), 8)}","rateType":"Regular"}`;
    if (fromStart) {
      for (let ft = first; ft <= last && rows.length < limit; ft += step)
        for (let i = 0; i < perps.length && rows.length < limit; i++) {
          const f = perps[i] as FuturesMarket;
          if (settles(f, ft)) rows.push(row(f, ft));
        }
    } else {
      for (let ft = last; ft >= first && rows.length < limit; ft -= step)
        for (let i = perps.length - 1; i >= 0 && rows.length < limit; i--) {
          const f = perps[i] as FuturesMarket;
          if (settles(f, ft)) rows.push(row(f, ft));
        }
      rows.reverse();
    }
    return '[' + rows.join(',') + ']';
  }
}

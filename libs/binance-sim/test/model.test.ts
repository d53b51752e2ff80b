// The model's building blocks, without HTTP.

import { Bar } from '../src/model/candles';
import { nextFundingTime } from '../src/model/derivatives';
import { Lru } from '../src/model/lru';
import { Market } from '../src/model/market';
import { listedExpiries } from '../src/model/options';
import { B_CLOSE, B_START, B_STRIDE } from '../src/model/path';
import { DAY, HOUR, MINUTE, lastFriday0800, next0800, yymmdd } from '../src/model/time';
import { quarterlyDeliveries, Universe } from '../src/model/universe';
import { fixed, trimmed, truncated, units } from '../src/format/decimal';
import { T0 } from './helpers';

const market = new Market('default', 11);
const btc = market.universe.spotMarket('BTCUSDT')?.inst;
if (!btc) throw new Error('no BTCUSDT');

describe('decimal strings', () => {
  it('writes integer units exactly, with the requested decimals', () => {
    expect(units(12345, 2, 8)).toBe('123.45000000');
    expect(units(-5, 2, 2)).toBe('-0.05');
    expect(units(0, 8, 8)).toBe('0.00000000');
    expect(units(7, 0, 3)).toBe('7.000');
    expect(units(2 ** 53 - 1, 8, 8)).toBe('90071992.54740991');
    expect(units(100000000, 8, 8)).toBe('1.00000000');
  });

  it('fixed never writes -0; trimmed drops trailing zeros; truncated cuts toward zero', () => {
    expect(fixed(-0.0000001, 3)).toBe('0.000');
    expect(trimmed(1789.2, 8)).toBe('1789.2');
    expect(trimmed(0.0001436, 8)).toBe('0.0001436');
    expect(trimmed(5, 2)).toBe('5');
    expect(trimmed(-0.000000001, 8)).toBe('0');
    expect(truncated(-815 / 12485, 4)).toBe('-0.0652'); // as the recorded options ticker
    expect(truncated(-45 / 95, 4)).toBe('-0.4736');
  });
});

describe('price path', () => {
  const hour = Math.floor(T0 / HOUR);

  it('hours join exactly: each block starts where the previous one ended', () => {
    for (let h = hour - 30; h < hour + 2; h++) {
      const a = market.paths.block(btc.path, h);
      const b = market.paths.block(btc.path, h + 1);
      expect(b[B_START]).toBe(a[B_CLOSE + 59 * B_STRIDE]);
    }
  });

  it('days end at the mean-reverting day level', () => {
    const d = Math.floor(T0 / DAY);
    const lastHour = market.paths.block(btc.path, d * 24 + 23);
    expect(lastHour[B_CLOSE + 59 * B_STRIDE]).toBe(market.paths.dayEndLog(btc.path, d));
    const levels: number[] = [];
    for (let k = 0; k < 3000; k += 5) levels.push(market.paths.dayEndLog(btc.path, d - k) - btc.path.logBase);
    expect(Math.max(...levels.map(Math.abs))).toBeLessThan(1.2); // never drifts away (≈ ±3.3x at most)
    expect(levels.filter((x) => x > 0).length / levels.length).toBeGreaterThan(0.2);
    expect(levels.filter((x) => x < 0).length / levels.length).toBeGreaterThan(0.2);
  });
});

describe('candles', () => {
  const m = Math.floor(T0 / MINUTE);

  it('every 1-minute candle brackets its open and close; opens continue the previous close', () => {
    for (let h = Math.floor(m / 60) - 3; h <= Math.floor(m / 60); h++) {
      const bar = new Bar();
      for (let i = 0; i < 60; i++) {
        const one = new Bar().addMinute(market.candles.block(btc, h), i);
        if (bar.minutes > 0) expect(one.open).toBe(bar.close);
        expect(one.high).toBeGreaterThanOrEqual(Math.max(one.open, one.close));
        expect(one.low).toBeLessThanOrEqual(Math.min(one.open, one.close));
        expect(one.trades).toBeGreaterThan(0);
        expect(one.takerVolume).toBeLessThanOrEqual(one.volume);
        bar.merge(one);
      }
      expect(bar).toEqual(market.candles.hourBar(btc, h));
    }
  });

  it('aggregate() gives the same bar whichever shortcut (days, hours, prefixes, suffixes) it takes', () => {
    const slow = (m0: number, m1: number): Bar => {
      const bar = new Bar();
      for (let x = m0; x < m1; x++) bar.addMinute(market.candles.block(btc, Math.floor(x / 60)), x % 60);
      return bar;
    };
    const ranges: [number, number][] = [
      [m - 3000, m],
      [m - 1439, m],
      [m - 61, m - 59],
      [Math.floor(m / 1440) * 1440 - 1440, Math.floor(m / 1440) * 1440],
      [m - 200, m - 137],
      [m - 120, m - 60],
    ];
    for (const [a, b] of ranges) expect(market.candles.aggregate(btc, a, b)).toEqual(slow(a, b));
  });

  it('the rolling window is the 1439 closed minutes plus the live one', () => {
    const t = Math.floor(T0 / 1000) * 1000;
    const { bar, live } = market.candles.window(btc, t);
    expect(live.minute).toBe(m);
    expect(bar).toEqual(market.candles.aggregate(btc, m - 1439, m).merge(live.bar));
    expect(bar.minutes).toBe(1440);
  });

  it('the live minute at its last second equals the closed minute', () => {
    const last = market.candles.live(btc, m * MINUTE + 59_000).bar;
    expect(last).toEqual(new Bar().addMinute(market.candles.block(btc, Math.floor(m / 60)), m % 60));
  });

  it('nothing before the listing', () => {
    expect(market.candles.aggregate(btc, btc.listedAt / MINUTE - 100, btc.listedAt / MINUTE).minutes).toBe(0);
  });
});

describe('calendar', () => {
  it('expiries and funding times', () => {
    expect(next0800(Date.UTC(2026, 10, 25, 7, 59))).toBe(Date.UTC(2026, 10, 25, 8));
    expect(next0800(Date.UTC(2026, 10, 25, 8))).toBe(Date.UTC(2026, 10, 26, 8));
    expect(lastFriday0800(2026, 11)).toBe(Date.UTC(2026, 11, 25, 8));
    expect(yymmdd(Date.UTC(2026, 0, 9))).toBe('260109');
    expect(quarterlyDeliveries(T0)).toEqual([Date.UTC(2026, 11, 25, 8), Date.UTC(2027, 2, 26, 8)]);
    expect(nextFundingTime(Date.UTC(2026, 10, 25, 8, 30))).toBe(Date.UTC(2026, 10, 25, 16));
  });

  it('option expiries: dailies, Friday weeklies, last-Friday monthlies and quarterlies, all 08:00 UTC', () => {
    const e = listedExpiries(T0, { dailies: 2, weeklies: 2, monthlies: 2, quarterlies: 2, strikesEachSide: 1 });
    expect(e.map((x) => new Date(x).toISOString().slice(0, 10))).toEqual([
      '2026-11-26',
      '2026-11-27',
      '2026-12-04',
      '2026-12-25',
      '2027-03-26',
    ]);
    for (const x of e) expect(new Date(x).getUTCHours()).toBe(8);
  });
});

describe('universe', () => {
  it('default: the seed lists', () => {
    const u = new Universe('default', 1);
    expect(u.spot.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT']);
    expect(u.futures(T0).map((f) => f.symbol)).toEqual([
      'BTCUSDT',
      'ETHUSDT',
      'BNBUSDT',
      'SOLUSDT',
      'XRPUSDT',
      'ADAUSDT',
      'BTCUSDT_261225',
      'BTCUSDT_270326',
      'ETHUSDT_261225',
      'ETHUSDT_270326',
    ]);
    expect(u.indexMarket('DOGEUSDT')).toBeDefined(); // options index without a listed spot pair
    expect(u.spotMarket('DOGEUSDT')).toBeUndefined();
  });

  it('full: 2,000 unique spot symbols and 500 perpetuals; grids keep month-long sums exact', () => {
    const u = new Universe('full', 1);
    expect(new Set(u.spot.map((s) => s.symbol)).size).toBe(2000);
    expect(u.perps).toHaveLength(500);
    for (const s of u.spot) {
      const g = s.inst.grid;
      expect(g.quoteDecimals).toBeGreaterThanOrEqual(0);
      const monthlyQuote = s.inst.minuteVolume * Math.exp(s.inst.path.logBase) * 1440 * 31 * 3;
      expect(monthlyQuote * 10 ** g.quoteDecimals).toBeLessThan(2 ** 53);
    }
  });

  it('the delivery contracts roll after delivery', () => {
    const u = new Universe('default', 1);
    const after = u.futures(Date.UTC(2026, 11, 25, 8, 0, 1)).map((f) => f.symbol);
    expect(after).toContain('BTCUSDT_270326');
    expect(after).toContain('BTCUSDT_270625');
    expect(after).not.toContain('BTCUSDT_261225');
  });
});

describe('Lru', () => {
  it('keeps recent entries and bounds the size', () => {
    const lru = new Lru<number>(4);
    for (let i = 0; i < 10; i++) lru.set(i, i * 10);
    expect(lru.size).toBeLessThanOrEqual(4);
    expect(lru.get(9)).toBe(90);
    expect(lru.get(0)).toBeUndefined();
  });
});

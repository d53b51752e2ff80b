// Candles of one tradable instrument, derived from its underlying path: prices rounded to the
// instrument's tick, volumes and trade counts drawn per minute (busier when the price moves), all
// as integer units so that any aggregation (klines of any interval, the rolling 24 h ticker) is an
// exact sum of the 1-minute candles.

import {
  B_ABSZ,
  B_CLOSE,
  B_START,
  B_STRIDE,
  B_X1,
  B_X2,
  B_T1,
  B_T2,
  fractionOfMinute,
  interpolate,
  intradayProfile,
  type PathEngine,
  type PathSpec,
} from './path';
import { Lru, key2 } from './lru';
import { gauss, uniform } from './random';
import { HOUR, MINUTE } from './time';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { ceil, exp, floor, max, min, round } = Math;

/** The decimal grids of an instrument. Prices are counted in units of 10^-priceDecimals and move
 * by `tickUnits`; volumes in 10^-qtyDecimals; quote volumes in 10^-quoteDecimals (chosen small
 * enough that a month of quote volume stays an exact integer in a double). */
export interface Grid {
  readonly priceDecimals: number;
  readonly tickUnits: number;
  readonly qtyDecimals: number;
  readonly quoteDecimals: number;
}

export interface Instrument {
  /** Dense index over all instruments, for cache keys. */
  readonly index: number;
  /** Hash of the symbol: keys this instrument's own draws (volumes, trades). */
  readonly id: number;
  readonly symbol: string;
  readonly path: PathSpec;
  readonly grid: Grid;
  /** Mean traded base quantity per minute. */
  readonly minuteVolume: number;
  /** Mean base quantity per trade. */
  readonly tradeSize: number;
  /** Cap on trades per minute (also spaces the synthetic trade ids). */
  readonly maxTrades: number;
  /** First candle, on a UTC day boundary. */
  readonly listedAt: number;
  /** Log offset of this instrument's price from its path at a minute (futures basis); 0 if absent. */
  readonly shift?: (minute: number) => number;
}

/** OHLC in price units and sums in volume/quote units over a run of minutes. */
export class Bar {
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  quote = 0;
  trades = 0;
  takerVolume = 0;
  takerQuote = 0;
  minutes = 0;

  merge(b: Bar): this {
    if (b.minutes === 0) return this;
    if (this.minutes === 0) {
      this.open = b.open;
      this.high = b.high;
      this.low = b.low;
    } else {
      if (b.high > this.high) this.high = b.high;
      if (b.low < this.low) this.low = b.low;
    }
    this.close = b.close;
    this.volume += b.volume;
    this.quote += b.quote;
    this.trades += b.trades;
    this.takerVolume += b.takerVolume;
    this.takerQuote += b.takerQuote;
    this.minutes += b.minutes;
    return this;
  }

  /** Adds minute i of a candle block. */
  addMinute(block: Float64Array, i: number): this {
    const o = 1 + i * C_STRIDE;
    const open = i === 0 ? (block[0] as number) : (block[o - C_STRIDE + C_CLOSE] as number);
    const high = block[o + C_HIGH] as number;
    const low = block[o + C_LOW] as number;
    if (this.minutes === 0) {
      this.open = open;
      this.high = high;
      this.low = low;
    } else {
      if (high > this.high) this.high = high;
      if (low < this.low) this.low = low;
    }
    this.close = block[o + C_CLOSE] as number;
    this.volume += block[o + C_VOL] as number;
    this.quote += block[o + C_QUOTE] as number;
    this.trades += block[o + C_TRADES] as number;
    this.takerVolume += block[o + C_TVOL] as number;
    this.takerQuote += block[o + C_TQUOTE] as number;
    this.minutes += 1;
    return this;
  }
}

// Candle block layout: [open of minute 0, then per minute close, high, low, volume, quote, trades, takerVolume, takerQuote].
const C_CLOSE = 0;
const C_HIGH = 1;
const C_LOW = 2;
const C_VOL = 3;
const C_QUOTE = 4;
const C_TRADES = 5;
const C_TVOL = 6;
const C_TQUOTE = 7;
const C_STRIDE = 8;

const S_VOLUME = 20;
const S_TRADES = 21;
const S_TAKER = 22;

/** The minute in progress at time t, aggregated up to the end of second t. */
export interface LiveMinute {
  minute: number;
  bar: Bar;
  /** Unrounded log price of the underlying path (the index) and of this instrument. */
  pathLog: number;
  log: number;
}

/** Per-minute constants of the live candle, so each second costs a few multiplications. */
interface LiveSpec {
  minute: number;
  openLog: number;
  shift: number;
  open: number;
  t1: number;
  t2: number;
  x1: number;
  x2: number;
  x1Units: number;
  x2Units: number;
  volume: number;
  trades: number;
  share: number;
  block: Float64Array;
  offset: number;
}

// Prefix/suffix aggregates of an hour: record r (0..60) at r * A_STRIDE holds
// [open, high, low, close, volume, quote, trades, takerVolume, takerQuote, minutes].
const A_STRIDE = 10;

function loadInto(bar: Bar, a: Float64Array, r: number): Bar {
  const o = r * A_STRIDE;
  const minutes = a[o + 9] as number;
  if (minutes === 0) return bar;
  const part = new Bar();
  part.open = a[o] as number;
  part.high = a[o + 1] as number;
  part.low = a[o + 2] as number;
  part.close = a[o + 3] as number;
  part.volume = a[o + 4] as number;
  part.quote = a[o + 5] as number;
  part.trades = a[o + 6] as number;
  part.takerVolume = a[o + 7] as number;
  part.takerQuote = a[o + 8] as number;
  part.minutes = minutes;
  return bar.merge(part);
}

function store(a: Float64Array, r: number, b: Bar): void {
  const o = r * A_STRIDE;
  a[o] = b.open;
  a[o + 1] = b.high;
  a[o + 2] = b.low;
  a[o + 3] = b.close;
  a[o + 4] = b.volume;
  a[o + 5] = b.quote;
  a[o + 6] = b.trades;
  a[o + 7] = b.takerVolume;
  a[o + 8] = b.takerQuote;
  a[o + 9] = b.minutes;
}

export class CandleEngine {
  private readonly blocks = new Lru<Float64Array>(10_000);
  private readonly prefixes = new Lru<Float64Array>(10_000);
  private readonly suffixes = new Lru<Float64Array>(10_000);
  private readonly hours = new Lru<Bar>(200_000);
  private readonly days = new Lru<Bar>(50_000);
  private readonly middles = new Lru<Bar>(12_000);
  private readonly windows = new Lru<Bar>(12_000);
  private readonly specs: (LiveSpec | undefined)[] = [];

  constructor(
    readonly paths: PathEngine,
    private readonly seed: number,
  ) {}

  /** Price units of a log price on the instrument's tick grid (at least one tick). */
  private units(inst: Instrument, log: number): number {
    const g = inst.grid;
    const ticks = round((exp(log) * 10 ** g.priceDecimals) / g.tickUnits);
    return max(ticks, 1) * g.tickUnits;
  }

  private quoteUnits(inst: Instrument, volume: number, o: number, h: number, l: number, c: number): number {
    const g = inst.grid;
    return round(volume * ((o + h + l + c) / 4) * 10 ** (g.quoteDecimals - g.qtyDecimals - g.priceDecimals));
  }

  private takerShare(inst: Instrument, m: number): number {
    return 0.35 + 0.3 * uniform(this.seed, S_TAKER, inst.id, m, 0);
  }

  private listed(inst: Instrument, hour: number): boolean {
    return hour * HOUR >= inst.listedAt;
  }

  /** 1-minute candles of hour H. `retain` as in PathEngine.block: the hour aggregates of the past
   * are memoised themselves, so the blocks they come from need not be. */
  block(inst: Instrument, hour: number, retain = true): Float64Array {
    const key = key2(inst.index, hour);
    const hit = this.blocks.get(key);
    if (hit !== undefined) return hit;
    const pb = this.paths.block(inst.path, hour, retain);
    const shift = inst.shift;
    const m0 = hour * 60;
    const g = inst.grid;
    const c = new Float64Array(1 + 60 * C_STRIDE);
    let prev = this.units(inst, (pb[B_START] as number) + (shift ? shift(m0 - 1) : 0));
    c[0] = prev;
    const profile = intradayProfile(hour % 24);
    const qtyScale = 10 ** g.qtyDecimals;
    for (let i = 0; i < 60; i++) {
      const m = m0 + i;
      const s = shift ? shift(m) : 0;
      const po = i * B_STRIDE;
      const close = this.units(inst, (pb[B_CLOSE + po] as number) + s);
      const x1 = this.units(inst, (pb[B_X1 + po] as number) + s);
      const x2 = this.units(inst, (pb[B_X2 + po] as number) + s);
      const high = max(prev, close, x1, x2);
      const low = min(prev, close, x1, x2);
      const z = gauss(this.seed, S_VOLUME, inst.id, m, 0);
      const base = inst.minuteVolume * profile * (0.55 + 0.45 * (pb[B_ABSZ + po] as number)) * exp(0.45 * z - 0.1);
      const volume = floor(base * qtyScale);
      const trades =
        volume === 0
          ? 0
          : min(
              inst.maxTrades,
              max(1, round((base / inst.tradeSize) * (0.8 + 0.4 * uniform(this.seed, S_TRADES, inst.id, m, 0)))),
            );
      const quote = this.quoteUnits(inst, volume, prev, high, low, close);
      const share = this.takerShare(inst, m);
      const o = 1 + i * C_STRIDE;
      c[o + C_CLOSE] = close;
      c[o + C_HIGH] = high;
      c[o + C_LOW] = low;
      c[o + C_VOL] = volume;
      c[o + C_QUOTE] = quote;
      c[o + C_TRADES] = trades;
      c[o + C_TVOL] = floor(volume * share);
      c[o + C_TQUOTE] = floor(quote * share);
      prev = close;
    }
    return retain ? this.blocks.set(key, c) : c;
  }

  /** Aggregates of minutes [0, r) (prefix) or [r, 60) (suffix) of hour H, for r = 0..60. */
  private partials(inst: Instrument, hour: number, suffix: boolean): Float64Array {
    const cache = suffix ? this.suffixes : this.prefixes;
    const key = key2(inst.index, hour);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const a = new Float64Array(61 * A_STRIDE);
    if (this.listed(inst, hour)) {
      // Prefixes are wanted for the live hour, whose block the live candle needs too.
      const b = this.block(inst, hour, !suffix);
      if (suffix) {
        for (let r = 59; r >= 0; r--) {
          // Build [r, 60) as minute r followed by [r + 1, 60).
          const bar = new Bar().addMinute(b, r);
          store(a, r, loadInto(bar, a, r + 1));
        }
      } else {
        const bar = new Bar();
        for (let r = 1; r <= 60; r++) store(a, r, bar.addMinute(b, r - 1));
      }
    }
    return cache.set(key, a);
  }

  hourBar(inst: Instrument, hour: number): Bar {
    const key = key2(inst.index, hour);
    const hit = this.hours.get(key);
    if (hit !== undefined) return hit;
    const bar = new Bar();
    if (this.listed(inst, hour)) {
      const b = this.block(inst, hour, false);
      for (let i = 0; i < 60; i++) bar.addMinute(b, i);
    }
    return this.hours.set(key, bar);
  }

  dayBar(inst: Instrument, day: number): Bar {
    const key = key2(inst.index, day);
    const hit = this.days.get(key);
    if (hit !== undefined) return hit;
    const bar = new Bar();
    for (let h = 0; h < 24; h++) bar.merge(this.hourBar(inst, day * 24 + h));
    return this.days.set(key, bar);
  }

  /** Closed minutes [m0, m1) merged into `into`: whole days and hours from their caches, the
   * ragged ends from the hour's prefix/suffix aggregates. Minutes before the listing are empty. */
  aggregate(inst: Instrument, m0: number, m1: number, into = new Bar()): Bar {
    let m = max(m0, ceil(inst.listedAt / MINUTE));
    while (m < m1) {
      const hour = floor(m / 60);
      const i = m - hour * 60;
      if (i === 0 && m % 1440 === 0 && m + 1440 <= m1) {
        into.merge(this.dayBar(inst, m / 1440));
        m += 1440;
      } else if (i === 0 && m + 60 <= m1) {
        into.merge(this.hourBar(inst, hour));
        m += 60;
      } else if (m1 >= (hour + 1) * 60) {
        loadInto(into, this.partials(inst, hour, true), i); // the rest of this hour
        m = (hour + 1) * 60;
      } else if (i === 0) {
        loadInto(into, this.partials(inst, hour, false), m1 - hour * 60); // the start of this hour
        m = m1;
      } else {
        const b = this.block(inst, hour);
        for (; m < m1; m++) into.addMinute(b, m - hour * 60);
      }
    }
    return into;
  }

  private spec(inst: Instrument, m: number): LiveSpec {
    const cached = this.specs[inst.index];
    if (cached?.minute === m) return cached;
    const hour = floor(m / 60);
    const i = m - hour * 60;
    const pb = this.paths.block(inst.path, hour);
    const cb = this.block(inst, hour);
    const po = i * B_STRIDE;
    const co = 1 + i * C_STRIDE;
    const shift = inst.shift ? inst.shift(m) : 0;
    const listed = m * MINUTE >= inst.listedAt;
    const spec: LiveSpec = {
      minute: m,
      openLog:
        (i === 0 ? (pb[B_START] as number) : (pb[B_CLOSE + po - B_STRIDE] as number)) +
        (inst.shift ? inst.shift(m - 1) : 0),
      shift,
      open: i === 0 ? (cb[0] as number) : (cb[co - C_STRIDE + C_CLOSE] as number),
      t1: pb[B_T1 + po] as number,
      t2: pb[B_T2 + po] as number,
      x1: pb[B_X1 + po] as number,
      x2: pb[B_X2 + po] as number,
      x1Units: this.units(inst, (pb[B_X1 + po] as number) + shift),
      x2Units: this.units(inst, (pb[B_X2 + po] as number) + shift),
      volume: listed ? (cb[co + C_VOL] as number) : 0,
      trades: listed ? (cb[co + C_TRADES] as number) : 0,
      share: this.takerShare(inst, m),
      block: pb,
      offset: po,
    };
    this.specs[inst.index] = spec;
    return spec;
  }

  /** The minute in progress at second-resolution time t. At the last second of a minute the live
   * candle equals the closed one exactly, so a client sees no jump when the minute closes. */
  live(inst: Instrument, t: number): LiveMinute {
    const m = floor(t / MINUTE);
    const s = this.spec(inst, m);
    const g = fractionOfMinute(t);
    const log = interpolate(s.openLog, s.block, s.offset, g, s.shift);
    const last = this.units(inst, log);
    let high = max(s.open, last);
    let low = min(s.open, last);
    if (g >= s.t1) {
      if (s.x1Units > high) high = s.x1Units;
      if (s.x1Units < low) low = s.x1Units;
    }
    if (g >= s.t2) {
      if (s.x2Units > high) high = s.x2Units;
      if (s.x2Units < low) low = s.x2Units;
    }
    const bar = new Bar();
    bar.open = s.open;
    bar.high = high;
    bar.low = low;
    bar.close = last;
    bar.minutes = 1;
    const volume = floor(s.volume * g);
    const quote = this.quoteUnits(inst, volume, s.open, high, low, last);
    bar.volume = volume;
    bar.quote = quote;
    bar.trades = floor(s.trades * g);
    bar.takerVolume = floor(volume * s.share);
    bar.takerQuote = floor(quote * s.share);
    return { minute: m, bar, pathLog: log - s.shift, log };
  }

  /**
   * The 1-second candle [t, t + 1 s): the live minute at t less the live minute a second earlier.
   * Volume, trades and taker volume are those differences, so the seconds of a minute sum exactly
   * to its 1-minute candle; high and low are the open, the close and any extreme of the minute's
   * path reached within the second (the path is linear between them). The quote volumes are the
   * second's own volume at its mean price: differences of the minute's quote, which is re-priced
   * at each second's OHLC, could go negative.
   */
  second(inst: Instrument, t: number): Bar {
    const now = this.live(inst, t);
    const k = floor((t % MINUTE) / 1000);
    const before = k === 0 ? undefined : this.live(inst, t - 1000).bar;
    const s = this.spec(inst, now.minute);
    const g = fractionOfMinute(t);
    const g0 = k / 60;
    const open = before ? before.close : s.open;
    const close = now.bar.close;
    let high = max(open, close);
    let low = min(open, close);
    // The live minute counts an extreme from the second in which g reaches it.
    if (s.t1 <= g && (k === 0 || s.t1 > g0)) {
      high = max(high, s.x1Units);
      low = min(low, s.x1Units);
    }
    if (s.t2 <= g && (k === 0 || s.t2 > g0)) {
      high = max(high, s.x2Units);
      low = min(low, s.x2Units);
    }
    const bar = new Bar();
    bar.open = open;
    bar.high = high;
    bar.low = low;
    bar.close = close;
    bar.volume = now.bar.volume - (before?.volume ?? 0);
    bar.trades = now.bar.trades - (before?.trades ?? 0);
    bar.takerVolume = now.bar.takerVolume - (before?.takerVolume ?? 0);
    bar.quote = this.quoteUnits(inst, bar.volume, open, high, low, close);
    bar.takerQuote = floor(bar.quote * s.share);
    // Part of one minute: not empty, unlike the minutes before a listing.
    bar.minutes = 1;
    return bar;
  }

  /**
   * Id of the last trade up to the end of second t, in the tickers' numbering (maxTrades × minute
   * + the trade's number within its minute), looking back no further than minute `fromMinute`;
   * -1 when there is none.
   */
  lastTradeId(inst: Instrument, t: number, fromMinute: number): number {
    let m = floor(t / MINUTE);
    let n = this.live(inst, t).bar.trades;
    while (n === 0 && m > fromMinute) {
      m--;
      const hour = floor(m / 60);
      n =
        m * MINUTE >= inst.listedAt ? (this.block(inst, hour)[1 + (m - hour * 60) * C_STRIDE + C_TRADES] as number) : 0;
    }
    return n === 0 ? -1 : inst.maxTrades * m + n;
  }

  /** The 1439 closed minutes before live minute m: the tail of the hour 24 h back (suffix), the 23
   * whole hours between (memoised per hour), the start of the current hour (prefix). */
  private closedWindow(inst: Instrument, m: number): Bar {
    const key = key2(inst.index, m);
    const hit = this.windows.get(key);
    if (hit !== undefined) return hit;
    const hour = floor(m / 60);
    const i = m - hour * 60;
    const middleKey = key2(inst.index, hour);
    let middle = this.middles.get(middleKey);
    if (middle === undefined) {
      middle = new Bar();
      for (let h = hour - 23; h < hour; h++) middle.merge(this.hourBar(inst, h));
      this.middles.set(middleKey, middle);
    }
    // Spread the next hour's work over the second half of this one: each instrument, at its own
    // minute, prepares the hour that will drop out of its window and the hour to come (the model
    // is a pure function of time, so computing ahead changes nothing but when the work is done).
    if (i >= 30 && inst.index % 30 === i - 30) {
      this.partials(inst, hour - 23, true);
      this.block(inst, hour + 1);
      this.partials(inst, hour + 1, false);
    }
    const bar = new Bar();
    if (i < 59) loadInto(bar, this.partials(inst, hour - 24, true), i + 1);
    bar.merge(middle);
    loadInto(bar, this.partials(inst, hour, false), i);
    return this.windows.set(key, bar);
  }

  /** The rolling 24 h window at time t: the 1439 closed minutes before the live one, plus the live
   * minute. Equal, field by field, to merging the last 1440 one-minute klines. */
  window(inst: Instrument, t: number): { bar: Bar; live: LiveMinute } {
    const live = this.live(inst, t);
    return { bar: new Bar().merge(this.closedWindow(inst, live.minute)).merge(live.bar), live };
  }
}

// Kline buckets and their selection by startTime/endTime/limit, as Binance documents them:
// no time → the newest `limit` candles (the last one still open); startTime → the oldest candles
// from it; endTime → the newest up to it. Every candle of a minute or more is an exact aggregate of
// 1-minute candles; a 1-second candle is a slice of the live minute (CandleEngine.second).

import { type Bar, type Instrument } from '../model/candles';
import { type Market } from '../model/market';
import { DAY, MINUTE, SECOND } from '../model/time';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { floor, max, min } = Math;

export interface Interval {
  readonly name: string;
  /** Length for fixed intervals; 0 for calendar months. */
  readonly ms: number;
}

const FIXED: Record<string, number> = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': 60 * MINUTE,
  '2h': 120 * MINUTE,
  '4h': 240 * MINUTE,
  '6h': 360 * MINUTE,
  '8h': 480 * MINUTE,
  '12h': 720 * MINUTE,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
};

/** A kline interval by name; `1s` only with `seconds` (spot has it, USD-M does not). */
export function parseInterval(name: string, seconds = false): Interval | undefined {
  if (name === '1M') return { name, ms: 0 };
  if (name === '1s') return seconds ? { name, ms: SECOND } : undefined;
  const ms = FIXED[name];
  return ms === undefined ? undefined : { name, ms };
}

// Weeks start on Monday 00:00; the epoch was a Thursday.
const WEEK_ANCHOR = 4 * DAY;

/** Start of the bucket containing t, buckets aligned in a time zone `tz` ms east of UTC. */
export function bucketStart(iv: Interval, t: number, tz: number): number {
  if (iv.ms === 0) {
    const d = new Date(t + tz);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - tz;
  }
  const anchor = iv.ms === 7 * DAY ? WEEK_ANCHOR : 0;
  return floor((t + tz - anchor) / iv.ms) * iv.ms + anchor - tz;
}

export function nextBucket(iv: Interval, start: number, tz: number): number {
  if (iv.ms !== 0) return start + iv.ms;
  const d = new Date(start + tz);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - tz;
}

function previousBucket(iv: Interval, start: number, tz: number): number {
  if (iv.ms !== 0) return start - iv.ms;
  const d = new Date(start + tz);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1) - tz;
}

export interface KlineQuery {
  interval: Interval;
  startTime?: number;
  endTime?: number;
  limit: number;
  /** Time-zone offset in ms (spot `timeZone`), 0 = UTC. */
  tz: number;
}

/** Open times of the selected buckets, oldest first. */
export function selectBuckets(q: KlineQuery, inst: Instrument, now: number): number[] {
  const { interval: iv, tz, limit } = q;
  const current = bucketStart(iv, now, tz);
  const first = bucketStart(iv, inst.listedAt, tz);
  const out: number[] = [];
  if (q.startTime !== undefined) {
    let b = bucketStart(iv, max(q.startTime, first), tz);
    if (b < q.startTime) b = nextBucket(iv, b, tz);
    const last = min(q.endTime ?? Infinity, current);
    for (; b <= last && out.length < limit; b = nextBucket(iv, b, tz)) out.push(b);
    return out;
  }
  let b = q.endTime === undefined ? current : bucketStart(iv, min(q.endTime, now), tz);
  for (; b >= first && out.length < limit; b = previousBucket(iv, b, tz)) out.push(b);
  return out.reverse();
}

export interface KlineFormat {
  price(units: number): string;
  qty(units: number): string;
  quote(units: number): string;
}

/** The candle of bucket [start, end) at second-resolution time t; the open one includes the live minute. */
export function candle(market: Market, inst: Instrument, start: number, end: number, t: number): Bar {
  if (end - start === SECOND) return market.candles.second(inst, start);
  const m0 = start / MINUTE;
  const m1 = end / MINUTE;
  const live = floor(t / MINUTE);
  if (m1 <= live) return market.candles.aggregate(inst, m0, m1);
  const bar = market.candles.aggregate(inst, m0, live);
  return bar.merge(market.candles.live(inst, t).bar);
}

/** The 12-element kline arrays as JSON. `micros` writes times in µs (spot X-MBX-TIME-UNIT). */
export function klinesJson(
  market: Market,
  inst: Instrument,
  q: KlineQuery,
  t: number,
  f: KlineFormat,
  micros = false,
): string {
  const parts: string[] = [];
  for (const start of selectBuckets(q, inst, t)) {
    const end = nextBucket(q.interval, start, q.tz);
    const b = candle(market, inst, start, end, t);
    if (b.minutes === 0) continue;
    const open = micros ? start * 1000 : start;
    const close = micros ? end * 1000 - 1 : end - 1;
    parts.push(
      `[${open},"${f.price(b.open)}","${f.price(b.high)}","${f.price(b.low)}","${f.price(b.close)}","${f.qty(b.volume)}",${close},"${f.quote(b.quote)}",${b.trades},"${f.qty(b.takerVolume)}","${f.quote(b.takerQuote)}","0"]`,
    );
  }
  return '[' + parts.join(',') + ']';
}

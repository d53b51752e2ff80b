// The price path of one underlying: a log price defined at every second, built top-down so that
// any point in time can be generated on its own:
//
//   day    log price = logBase + x(d), x a mean-reverting (Ornstein-Uhlenbeck-like) sum of daily
//          shocks, written as a moving average over the last MA_DAYS shocks so x(d) needs no history
//          replay; shocks have a market factor (beta), volatility regimes (per 5-day block, shared by
//          the market, and per 3-day block per symbol) and occasional jumps;
//   hour   24 increments with an intraday volatility profile, bridged to the day's move;
//   minute 60 increments bridged to the hour's move, the day's jump landing in one minute;
//   second each minute runs open → first extreme → second extreme → close, linearly in log price,
//          so a candle's high and low are exactly the extremes the path visits.
//
// Everything is a pure function of (seed, path id, time); caches only save work.

import { gauss, uniform } from './random';
import { Lru, key2 } from './lru';
import { MINUTE } from './time';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { PI, abs, cos, floor, log, max, min, sqrt } = Math;

export interface PathSpec {
  /** Dense index, for cache keys. */
  readonly index: number;
  /** Hash of the name: keys the random draws, so a symbol's path does not depend on universe order. */
  readonly id: number;
  /** ln of the long-run price level. */
  readonly logBase: number;
  readonly annualVol: number;
  /** Loading on the market factor (0..1): crypto moves together. */
  readonly beta: number;
}

// Draw streams: one constant per kind of draw keeps them independent.
const S_REGIME = 1;
const S_SYM_REGIME = 2;
const S_DAY_MKT = 3;
const S_DAY = 4;
const S_JUMP = 5;
const S_HOUR_W = 6;
const S_HOUR_MKT = 7;
const S_HOUR = 8;
const S_MIN_MKT = 9;
const S_MIN = 10;
const S_KNOT = 11;

const PHI = 0.97; // daily mean reversion 3 %: the price wanders ~±15 % around its level, never drifts away
const MA_DAYS = 320; // PHI^320 ≈ 6e-5: truncating the infinite sum there is invisible
const PHI_POW = Float64Array.from({ length: MA_DAYS + 1 }, (_, k) => PHI ** k);
const JUMP_PROBABILITY = 0.06; // per day
const KNOT_SPREAD = 0.7; // how far a minute's extremes reach beyond open/close, in minute sigmas

/** Intraday volatility and volume profile: busiest around the US open (14:00 UTC). */
export function intradayProfile(hourOfDay: number): number {
  return 1 + 0.3 * cos((2 * PI * (hourOfDay - 14)) / 24);
}

// Layout of a day plan.
const P_END = 0; // 24 hour-end log prices
const P_SIGMA = 24; // 24 hour sigmas
const P_JUMP_HOUR = 48;
const P_JUMP = 49;
const P_START = 50;
const PLAN_SIZE = 51;

/** Layout of a minute block: [startLog, then per minute closeLog, x1, x2, t1, t2, |z|]. */
export const B_START = 0;
export const B_STRIDE = 6;
export const B_CLOSE = 1;
export const B_X1 = 2;
export const B_X2 = 3;
export const B_T1 = 4;
export const B_T2 = 5;
export const B_ABSZ = 6;

export class PathEngine {
  private readonly xs = new Lru<number>(100_000);
  private readonly plans = new Lru<Float64Array>(20_000);
  private readonly blocks = new Lru<Float64Array>(10_000);

  constructor(readonly seed: number) {}

  /** Daily volatility of day d: base × market regime × symbol regime. */
  dayVol(p: PathSpec, d: number): number {
    return (
      (p.annualVol / sqrt(365)) *
      this.marketRegime(d) *
      (0.8 + 0.4 * uniform(this.seed, S_SYM_REGIME, p.id, floor(d / 3), 0))
    );
  }

  /** Calm, normal or stressed market, per 5-day block. */
  marketRegime(d: number): number {
    const u = uniform(this.seed, S_REGIME, 0, floor(d / 5), 0);
    return u < 0.25 ? 0.65 : u < 0.8 ? 1 : 1.7;
  }

  private jump(p: PathSpec, d: number, dayVol: number): number {
    if (uniform(this.seed, S_JUMP, p.id, d, 0) >= JUMP_PROBABILITY) return 0;
    const size = dayVol * (1 + 2 * uniform(this.seed, S_JUMP, p.id, d, 1));
    return uniform(this.seed, S_JUMP, p.id, d, 2) < 0.5 ? -size : size;
  }

  private shock(p: PathSpec, d: number): number {
    const vol = this.dayVol(p, d);
    const z =
      p.beta * gauss(this.seed, S_DAY_MKT, 0, d, 0) + sqrt(1 - p.beta * p.beta) * gauss(this.seed, S_DAY, p.id, d, 0);
    return vol * z + this.jump(p, d, vol);
  }

  /** Deviation of the day-end log price from the long-run level. */
  x(p: PathSpec, d: number): number {
    const key = key2(p.index, d);
    const hit = this.xs.get(key);
    if (hit !== undefined) return hit;
    let sum = 0;
    for (let k = 0; k <= MA_DAYS; k++) sum += (PHI_POW[k] as number) * this.shock(p, d - k);
    return this.xs.set(key, sum);
  }

  /** Hour-end log prices of day d, bridged to the day's start and end. */
  plan(p: PathSpec, d: number): Float64Array {
    const key = key2(p.index, d);
    const hit = this.plans.get(key);
    if (hit !== undefined) return hit;
    const plan = new Float64Array(PLAN_SIZE);
    const start = p.logBase + this.x(p, d - 1);
    const end = p.logBase + this.x(p, d);
    const vol = this.dayVol(p, d);
    const jump = this.jump(p, d, vol);
    const jumpHour = floor(24 * uniform(this.seed, S_JUMP, p.id, d, 3));
    const beta = p.beta;
    const idio = sqrt(1 - beta * beta);
    let norm = 0;
    for (let h = 0; h < 24; h++) {
      const w = intradayProfile(h) * (0.75 + 0.5 * uniform(this.seed, S_HOUR_W, p.id, d * 24 + h, 0));
      plan[P_SIGMA + h] = w;
      norm += w * w;
    }
    norm = sqrt(norm);
    let sum = 0;
    for (let h = 0; h < 24; h++) {
      const w = (plan[P_SIGMA + h] as number) / norm;
      const hour = d * 24 + h;
      const z = beta * gauss(this.seed, S_HOUR_MKT, 0, hour, 0) + idio * gauss(this.seed, S_HOUR, p.id, hour, 0);
      plan[P_SIGMA + h] = vol * w;
      plan[P_END + h] = vol * w * z;
      sum += vol * w * z;
    }
    // Bridge: spread the gap to the day's diffusive move in proportion to each hour's variance.
    const gap = end - start - jump - sum;
    let level = start;
    for (let h = 0; h < 24; h++) {
      const w = (plan[P_SIGMA + h] as number) / vol;
      level += (plan[P_END + h] as number) + w * w * gap + (h === jumpHour ? jump : 0);
      plan[P_END + h] = level;
    }
    plan[P_END + 23] = end;
    plan[P_JUMP_HOUR] = jumpHour;
    plan[P_JUMP] = jump;
    plan[P_START] = start;
    return this.plans.set(key, plan);
  }

  /** Minute closes and intra-minute knots of hour H (hours since the epoch). `retain` = false
   * computes without memoising, for one-off reads of the past that would evict the live hours. */
  block(p: PathSpec, hour: number, retain = true): Float64Array {
    const key = key2(p.index, hour);
    const hit = this.blocks.get(key);
    if (hit !== undefined) return hit;
    const d = floor(hour / 24);
    const h = hour - d * 24;
    const plan = this.plan(p, d);
    const start = h === 0 ? (plan[P_START] as number) : (plan[P_END + h - 1] as number);
    const end = plan[P_END + h] as number;
    const jump = h === plan[P_JUMP_HOUR] ? (plan[P_JUMP] as number) : 0;
    const jumpMinute = floor(60 * uniform(this.seed, S_JUMP, p.id, d, 4));
    const sigma = (plan[P_SIGMA + h] as number) / sqrt(60);
    const beta = p.beta;
    const idio = sqrt(1 - beta * beta);
    const b = new Float64Array(1 + 60 * B_STRIDE);
    b[B_START] = start;
    let sum = 0;
    const m0 = hour * 60;
    for (let i = 0; i < 60; i++) {
      const z = beta * gauss(this.seed, S_MIN_MKT, 0, m0 + i, 0) + idio * gauss(this.seed, S_MIN, p.id, m0 + i, 0);
      b[B_CLOSE + i * B_STRIDE] = sigma * z;
      sum += sigma * z;
    }
    const gap = (end - start - jump - sum) / 60;
    let level = start;
    for (let i = 0; i < 60; i++) {
      const o = i * B_STRIDE;
      const step = (b[B_CLOSE + o] as number) + gap;
      const open = level;
      level += step + (i === jumpMinute ? jump : 0);
      const close = i === 59 ? end : level;
      const m = m0 + i;
      const up = max(open, close) - sigma * KNOT_SPREAD * log(uniform(this.seed, S_KNOT, p.id, m, 0));
      const down = min(open, close) + sigma * KNOT_SPREAD * log(uniform(this.seed, S_KNOT, p.id, m, 1));
      const upFirst = uniform(this.seed, S_KNOT, p.id, m, 2) < 0.5;
      b[B_CLOSE + o] = close;
      b[B_X1 + o] = upFirst ? up : down;
      b[B_X2 + o] = upFirst ? down : up;
      b[B_T1 + o] = 0.1 + 0.35 * uniform(this.seed, S_KNOT, p.id, m, 3);
      b[B_T2 + o] = 0.55 + 0.35 * uniform(this.seed, S_KNOT, p.id, m, 4);
      b[B_ABSZ + o] = abs(step / sigma);
    }
    return retain ? this.blocks.set(key, b) : b;
  }

  /** Log price at second-resolution time t (the path after the trades of second t). */
  logAt(p: PathSpec, t: number): number {
    const m = floor(t / MINUTE);
    const hour = floor(m / 60);
    const i = m - hour * 60;
    const b = this.block(p, hour);
    const g = fractionOfMinute(t);
    const o = i * B_STRIDE;
    const open = i === 0 ? (b[B_START] as number) : (b[B_CLOSE + o - B_STRIDE] as number);
    return interpolate(open, b, o, g, 0);
  }

  /** Log price at the end of day d (exposed for tests of the mean reversion). */
  dayEndLog(p: PathSpec, d: number): number {
    return p.logBase + this.x(p, d);
  }
}

/** Share of minute t's trading that has happened by the end of second t: 1/60 … 1. */
export function fractionOfMinute(t: number): number {
  return (floor((t % MINUTE) / 1000) + 1) / 60;
}

/** Log price at fraction g of minute `o` of a block, the knots shifted by `shift`. `open` is
 * already shifted. Linear between open (0), x1 (t1), x2 (t2) and close (1). */
export function interpolate(open: number, b: Float64Array, o: number, g: number, shift: number): number {
  const t1 = b[B_T1 + o] as number;
  const t2 = b[B_T2 + o] as number;
  const x1 = (b[B_X1 + o] as number) + shift;
  const x2 = (b[B_X2 + o] as number) + shift;
  const c = (b[B_CLOSE + o] as number) + shift;
  if (g <= t1) return open + ((x1 - open) * g) / t1;
  if (g <= t2) return x1 + ((x2 - x1) * (g - t1)) / (t2 - t1);
  if (g >= 1) return c;
  return x2 + ((c - x2) * (g - t2)) / (1 - t2);
}

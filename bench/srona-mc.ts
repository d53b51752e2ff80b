// `pnpm bench:srona-mc`: the large Monte-Carlo run behind issue 14 item 1 (SRONA's empirical move
// distribution), on the built service. The unit tests (services/srona/test/montecarlo.test.ts) run
// the same checks with few paths; this one runs --paths (300) per case and records every cell.
//
//   gbm      GBM histories (30 d of 1h candles, zero price drift), σ 0.3 / 0.6 / 1.0; horizons
//            1-45 d; puts 80-95 and calls 105-120 against spot 100. Per cell the mean over paths
//            of P(OTM) and expected payoff from the bootstrap (after) and from the overlapping-window
//            estimator it replaced (before), the analytic Black-Scholes value at the true σ (r = 0),
//            and the sd over paths of one path's payoff / analytic (how well one history pins it).
//   audit    the issue's figures: σ 0.6, 20-day 90 put and 110 call, before and after.
//   drift    a history rising 1 %/day (σ 0.6): the 110 call's P(OTM) at 13-18 d, before and after.
//   merton   Merton jump-diffusion histories (diffusion 50 %, a -6 % ± 3 % jump every 4 days on
//            average): the put's breach frequency (below strike - its Black-Scholes premium at the
//            14-day realised vol) from the bootstrap, from Black-Scholes at that realised vol, and the
//            process's true value (binomial mixture of normals).
//   cost     one rebuild after a new candle at the full universe: 6 underlyings x 20 expiries.
//
// Flags: --paths 300  --report srona-mc (reports/bench/<name>.json)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { flag } from './lib/flag.ts';
import { summarize } from './lib/measure.ts';
import { writeReport } from './lib/report.ts';

import type * as QuantModule from '../libs/quant/src/index.ts';
import type * as SronaModule from '../services/srona/src/index.ts';

type Side = 'CALL' | 'PUT';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const load = <T>(path: string): T => require(join(ROOT, path)) as T;
const quant = load<typeof QuantModule>('libs/quant/dist/index.js');
const srona = load<typeof SronaModule>('services/srona/dist/index.js');

const HOUR = 3_600_000;
const DAY = 86_400_000;
const DT = HOUR / (365 * DAY);
const SPOT = 100;
const CANDLES = 30 * 24 + 1;
const T0 = Date.UTC(2024, 0, 1);
const PATHS = Number(flag('paths', '300'));
const STRIKES: readonly [Side, number][] = [
  ['PUT', 80],
  ['PUT', 85],
  ['PUT', 90],
  ['PUT', 95],
  ['CALL', 105],
  ['CALL', 110],
  ['CALL', 115],
  ['CALL', 120],
];
const HORIZONS = [1, 3, 7, 14, 15, 16, 20, 30, 45];

// ---------------------------------------------------------------- paths (as services/srona/test/helpers.ts)

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number): number {
  const u1 = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * next());
}

function closesOf(logs: number[]): number[] {
  const shift = Math.log(SPOT) - (logs[logs.length - 1] as number);
  return logs.map((l) => Math.exp(l + shift));
}

function gbm(vol: number, seed: number, logDriftPerDay = 0): number[] {
  const next = rng(seed);
  const mu = -0.5 * vol * vol * DT + logDriftPerDay / 24;
  const sd = vol * Math.sqrt(DT);
  const logs = [0];
  for (let i = 1; i < CANDLES; i++) logs.push((logs[i - 1] as number) + mu + sd * gaussian(next));
  return closesOf(logs);
}

const MERTON = { vol: 0.5, jumpsPerDay: 0.25, jumpMean: -0.06, jumpSd: 0.03 };
const JUMP_PROB = MERTON.jumpsPerDay / 24;
const MERTON_MU =
  -0.5 * MERTON.vol * MERTON.vol * DT -
  Math.log1p(JUMP_PROB * (Math.exp(MERTON.jumpMean + (MERTON.jumpSd * MERTON.jumpSd) / 2) - 1));

function merton(seed: number): number[] {
  const next = rng(seed);
  const sd = MERTON.vol * Math.sqrt(DT);
  const logs = [0];
  for (let i = 1; i < CANDLES; i++) {
    let x = MERTON_MU + sd * gaussian(next);
    if (next() < JUMP_PROB) x += MERTON.jumpMean + MERTON.jumpSd * gaussian(next);
    logs.push((logs[i - 1] as number) + x);
  }
  return closesOf(logs);
}

/** P(ln(S_h / S_0) < x) of merton()'s process after `hours` steps. */
function mertonCdf(hours: number, x: number): number {
  let weight = Math.pow(1 - JUMP_PROB, hours);
  let cdf = 0;
  for (let k = 0; k <= hours && k < 200; k++) {
    const mean = hours * MERTON_MU + k * MERTON.jumpMean;
    const sd = Math.sqrt(hours * MERTON.vol * MERTON.vol * DT + k * MERTON.jumpSd * MERTON.jumpSd);
    cdf += weight * quant.normCdf((x - mean) / sd);
    weight *= ((hours - k) / (k + 1)) * (JUMP_PROB / (1 - JUMP_PROB));
  }
  return cdf;
}

function historyOf(closes: readonly number[]): SronaModule.CandleHistory {
  const h = new srona.CandleHistory(HOUR, 100_000);
  closes.forEach((c, i) => h.add(T0 + i * HOUR, c, T0 + (i + 1) * HOUR - 1));
  return h;
}

// ---------------------------------------------------------------- the estimator before issue 14

/**
 * The move distribution srona published before issue 14 (services/srona/src/model/frequency.ts at
 * 3be2f80), kept here only for the before/after figures: overlapping windows of h candles when the
 * history spans 2 horizons, else centred windows of b = floor(span / 2) candles scaled by √(h / b).
 */
function legacyMoves(closes: readonly number[], horizon: number): number[] {
  const n = closes.length;
  const window = (w: number) =>
    Array.from({ length: n - w }, (_, i) => Math.log((closes[i + w] as number) / (closes[i] as number)));
  const span = n - 1;
  if (span >= horizon * 2) return window(horizon);
  const base = Math.max(1, Math.min(horizon, Math.floor(span / 2)));
  const moves = window(base);
  const mean = moves.reduce((a, b) => a + b, 0) / moves.length;
  const scale = Math.sqrt(horizon / base);
  return moves.map((m) => (m - mean) * scale);
}

function legacyProbOtm(moves: readonly number[], side: Side, strike: number): number {
  const k = Math.log(strike / SPOT);
  return moves.filter((m) => (side === 'CALL' ? m <= k : m >= k)).length / moves.length;
}

function legacyPayoff(moves: readonly number[], side: Side, strike: number): number {
  let sum = 0;
  for (const m of moves)
    sum += Math.max(side === 'CALL' ? SPOT * Math.exp(m) - strike : strike - SPOT * Math.exp(m), 0);
  return sum / moves.length;
}

// ---------------------------------------------------------------- cases

function bsPrice(side: Side, strike: number, days: number, vol: number): number {
  return quant.blackScholesPrice({
    side: side === 'CALL' ? 'call' : 'put',
    spot: SPOT,
    strike,
    years: days / 365,
    vol,
    rate: 0,
  });
}

const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));

interface GbmCell {
  vol: number;
  days: number;
  side: Side;
  strike: number;
  analyticProbOtm: number;
  analyticPayoff: number;
  probOtm: number;
  payoff: number;
  payoffRatioSdOnePath: number;
  legacyProbOtm: number;
  legacyPayoff: number;
}

function gbmCase(vol: number): GbmCell[] {
  const acc = HORIZONS.flatMap((days) =>
    STRIKES.map(([side, strike]) => ({ days, side, strike, p: 0, pay: 0, ratios: [] as number[], lp: 0, lpay: 0 })),
  );
  for (let path = 0; path < PATHS; path++) {
    const closes = gbm(vol, 1_000 * vol + path);
    const history = historyOf(closes);
    const cache = new srona.MoveDistributionCache(2);
    const legacy = new Map<number, number[]>();
    for (const a of acc) {
      const d = cache.get(history, a.days * 24);
      a.p += d.probOtm(a.side, SPOT, a.strike);
      const pay = d.expectedPayoff(a.side, SPOT, a.strike);
      a.pay += pay;
      a.ratios.push(pay / bsPrice(a.side, a.strike, a.days, vol));
      let lm = legacy.get(a.days);
      if (lm === undefined) legacy.set(a.days, (lm = legacyMoves(closes, a.days * 24)));
      a.lp += legacyProbOtm(lm, a.side, a.strike);
      a.lpay += legacyPayoff(lm, a.side, a.strike);
    }
  }
  return acc.map((a) => {
    const meanRatio = a.ratios.reduce((x, y) => x + y, 0) / PATHS;
    const sd = Math.sqrt(a.ratios.reduce((x, y) => x + (y - meanRatio) ** 2, 0) / (PATHS - 1));
    return {
      vol,
      days: a.days,
      side: a.side,
      strike: a.strike,
      analyticProbOtm: round(srona.blackScholesProbOtm(a.side, SPOT, a.strike, a.days / 365, vol, 0), 6),
      analyticPayoff: round(bsPrice(a.side, a.strike, a.days, vol), 6),
      probOtm: round(a.p / PATHS, 6),
      payoff: round(a.pay / PATHS, 6),
      payoffRatioSdOnePath: round(sd, 3),
      legacyProbOtm: round(a.lp / PATHS, 6),
      legacyPayoff: round(a.lpay / PATHS, 6),
    };
  });
}

interface Worst {
  cells: number;
  maxProbOtmError: number;
  maxPayoffRelativeError: number;
  at: string;
}

/** Worst |P(OTM) error| over all cells and worst |payoff / analytic - 1| over cells with payoff >= floor. */
function worst(cells: readonly GbmCell[], floor: number, legacy: boolean): Worst {
  let p = 0;
  let r = 0;
  let at = '';
  let n = 0;
  for (const c of cells) {
    p = Math.max(p, Math.abs((legacy ? c.legacyProbOtm : c.probOtm) - c.analyticProbOtm));
    if (c.analyticPayoff < floor) continue;
    n++;
    const e = Math.abs((legacy ? c.legacyPayoff : c.payoff) / c.analyticPayoff - 1);
    if (e > r) {
      r = e;
      at = `σ ${c.vol} ${c.days} d ${c.side} ${c.strike}`;
    }
  }
  return { cells: n, maxProbOtmError: round(p), maxPayoffRelativeError: round(r), at };
}

function driftCase(): Record<string, unknown>[] {
  const days = [13, 14, 15, 16, 17, 18];
  const after = days.map(() => 0);
  const before = days.map(() => 0);
  for (let path = 0; path < PATHS; path++) {
    const closes = gbm(0.6, 50_000 + path, 0.01);
    const cache = new srona.MoveDistributionCache(2);
    const history = historyOf(closes);
    days.forEach((d, i) => {
      after[i] = (after[i] as number) + cache.get(history, d * 24).probOtm('CALL', SPOT, 110) / PATHS;
      before[i] = (before[i] as number) + legacyProbOtm(legacyMoves(closes, d * 24), 'CALL', 110) / PATHS;
    });
  }
  return days.map((d, i) => ({
    days: d,
    analyticProbOtm: round(srona.blackScholesProbOtm('CALL', SPOT, 110, d / 365, 0.6, 0)),
    probOtm: round(after[i] as number),
    legacyProbOtm: round(before[i] as number),
  }));
}

function mertonCase(): Record<string, unknown>[] {
  const cells = [1, 3, 7, 14, 30].flatMap((days) =>
    [70, 75, 80, 85, 90].map((strike) => ({ days, strike, empirical: 0, blackScholesAtRv: 0, truth: 0 })),
  );
  for (let path = 0; path < PATHS; path++) {
    const history = historyOf(merton(90_000 + path));
    const rv = srona.realizedVolatility(history, 14 * DAY).vol as number;
    const cache = new srona.MoveDistributionCache(2);
    for (const c of cells) {
      const premium = bsPrice('PUT', c.strike, c.days, rv);
      const breakeven = c.strike - premium;
      c.empirical += cache.get(history, c.days * 24).breachFrequency('PUT', SPOT, c.strike, premium) / PATHS;
      c.blackScholesAtRv += (1 - srona.blackScholesProbOtm('PUT', SPOT, breakeven, c.days / 365, rv, 0)) / PATHS;
      c.truth += mertonCdf(c.days * 24, Math.log(breakeven / SPOT)) / PATHS;
    }
  }
  return cells.map((c) => ({
    days: c.days,
    strike: c.strike,
    empirical: round(c.empirical),
    blackScholesAtRv: round(c.blackScholesAtRv),
    truth: round(c.truth),
    empiricalOverBlackScholes: round(c.empirical / c.blackScholesAtRv, 3),
    truthOverBlackScholes: round(c.truth / c.blackScholesAtRv, 3),
  }));
}

function costCase(): Record<string, unknown> {
  const histories = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((vol, i) => historyOf(gbm(vol, 70_000 + i)));
  const expiries = Array.from({ length: 20 }, (_, i) => 1 + (i * 44) / 19);
  const samples: number[] = [];
  let sink = 0;
  for (let rep = 0; rep < 60; rep++) {
    const start = performance.now();
    for (const h of histories) {
      // A new cache = what a new candle does to the service's cache.
      const cache = new srona.MoveDistributionCache(2);
      for (const days of expiries) sink += cache.get(h, days * 24).size;
    }
    if (rep >= 10) samples.push(performance.now() - start);
  }
  if (sink === -1) console.log('unreachable');
  const s = summarize(samples);
  return {
    what: 'MoveDistributionCache rebuild after a new candle: 6 underlyings x 20 expiries (1-45 d), 30 d of 1h candles',
    rebuildMs: { median: round(s.median), p25: round(s.p25), p75: round(s.p75), max: round(s.max) },
    shareOfTwoSecondTick: round(s.median / 2_000, 3),
    amortizedShareOfCore: round(s.median / HOUR, 3),
  };
}

// ---------------------------------------------------------------- run

const started = performance.now();
const gbmCells = [0.3, 0.6, 1.0].flatMap(gbmCase);
const pick = (days: number, strike: number) =>
  gbmCells.find((c) => c.vol === 0.6 && c.days === days && c.strike === strike) as GbmCell;
const put = pick(20, 90);
const call = pick(20, 110);
const audit = {
  what: 'σ 0.6, 30 d of 1h candles, 20-day 90 put and 110 call (spot 100)',
  put: { analyticProbOtm: put.analyticProbOtm, before: put.legacyProbOtm, after: put.probOtm },
  callPayoff: {
    analytic: call.analyticPayoff,
    before: call.legacyPayoff,
    after: call.payoff,
    analyticOverBefore: round(call.analyticPayoff / call.legacyPayoff, 3),
    analyticOverAfter: round(call.analyticPayoff / call.payoff, 3),
  },
};
const summary = {
  after: {
    payoffFrom1e3OfSpot: worst(gbmCells, 1e-3 * SPOT, false),
    payoffFrom1e4OfSpot: worst(gbmCells, 1e-4 * SPOT, false),
  },
  before: {
    payoffFrom1e3OfSpot: worst(gbmCells, 1e-3 * SPOT, true),
    payoffFrom1e4OfSpot: worst(gbmCells, 1e-4 * SPOT, true),
  },
};
const drift = driftCase();
const jumps = mertonCase();
const cost = costCase();
const seconds = round((performance.now() - started) / 1000, 3);

console.log(`srona-mc: ${PATHS} paths per case, ${seconds} s`);
console.log(
  `  audit 20 d 90 put P(OTM): analytic ${put.analyticProbOtm}, before ${put.legacyProbOtm}, after ${put.probOtm}`,
);
console.log(
  `  audit 20 d 110 call payoff: analytic ${call.analyticPayoff}, before ${call.legacyPayoff} (${audit.callPayoff.analyticOverBefore}x low), after ${call.payoff}`,
);
console.log(`  worst after: ${JSON.stringify(summary.after)}`);
console.log(`  worst before: ${JSON.stringify(summary.before)}`);
console.log(
  `  drift 110 call P(OTM) by days: ${drift.map((d) => `${d['days']}: ${d['legacyProbOtm']} -> ${d['probOtm']}`).join(', ')}`,
);
console.log(`  rebuild ${JSON.stringify(cost['rebuildMs'])} ms`);

const path = writeReport(flag('report', 'srona-mc'), {
  paths: PATHS,
  seconds,
  model: {
    candles: '30 d of 1h candles (721), spot 100, r = 0',
    estimator: `circular block bootstrap, ${srona.BOOTSTRAP_MOVES} moves, blocks of ceil(n^(1/3)) = ${srona.blockLength(CANDLES - 1)} returns, martingale shift`,
    before: 'overlapping windows (h <= span / 2), else centred windows of span / 2 scaled by sqrt(h / b)',
  },
  audit,
  summary,
  drift,
  merton: { process: MERTON, cells: jumps },
  cost,
  gbm: gbmCells,
});
console.log(`wrote ${path}`);

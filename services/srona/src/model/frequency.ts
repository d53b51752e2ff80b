/**
 * AnalizadorFrecuencias: the empirical distribution of the underlying's log move over a horizon,
 * from the candle history, and what it says about a short option: how often the move crossed the
 * breakeven, the probability of expiring out of the money, the expected payoff.
 *
 * Direct count: when the history spans at least `minSpans` horizons, every pair of candles exactly
 * one horizon apart (openTime_j = openTime_i + horizon; overlapping windows, gaps skipped) gives
 * one move ln(c_j / c_i). Otherwise the history is too short for the horizon and the distribution
 * is EXTRAPOLATED: the moves over the base horizon h = floor(span / minSpans) candles are centred
 * (their sample mean removed: a drift does not scale with sqrt(time)) and scaled by
 * sqrt(horizon / h), the square-root-of-time rule of a random walk.
 */
import type { OptionSide } from '@marketpipe/contracts';
import type { CandleHistory } from './history';

export class MoveDistribution {
  /**
   * @param moves log moves, ascending
   * @param prefixExp prefixExp[i] = Σ_{j < i} exp(moves[j]) (length moves.length + 1)
   */
  constructor(
    readonly moves: Float64Array,
    private readonly prefixExp: Float64Array,
    readonly horizonCandles: number,
    readonly baseCandles: number,
    readonly extrapolated: boolean,
  ) {}

  get samples(): number {
    return this.moves.length;
  }

  /** Number of moves < x. */
  countBelow(x: number): number {
    const m = this.moves;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((m[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of moves <= x. */
  countAtMost(x: number): number {
    const m = this.moves;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((m[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * How many moves take `spot` across the breakeven of a short option: above strike + premium for
   * a call, below strike - premium for a put (never, when the premium covers the whole strike).
   * Premium per unit of the underlying.
   */
  breaches(side: OptionSide, spot: number, strike: number, premium: number): number {
    const n = this.moves.length;
    if (n === 0) return 0;
    if (side === 'CALL') return n - this.countAtMost(Math.log((strike + premium) / spot));
    const breakeven = strike - premium;
    if (!(breakeven > 0)) return 0;
    return this.countBelow(Math.log(breakeven / spot));
  }

  /** Share of moves that leave the option out of the money at expiry (call: S_T <= K, put: S_T >= K). */
  probOtm(side: OptionSide, spot: number, strike: number): number {
    const n = this.moves.length;
    if (n === 0) return Number.NaN;
    const k = Math.log(strike / spot);
    return side === 'CALL' ? this.countAtMost(k) / n : (n - this.countBelow(k)) / n;
  }

  /**
   * Mean payoff per unit of the underlying, max(S e^m - K, 0) or max(K - S e^m, 0), undiscounted, in
   * O(log n) from the prefix sums of e^m; Infinity when the sums overflow.
   */
  expectedPayoff(side: OptionSide, spot: number, strike: number): number {
    const n = this.moves.length;
    if (n === 0) return Number.NaN;
    const k = Math.log(strike / spot);
    const pre = this.prefixExp;
    let sum: number;
    if (side === 'CALL') {
      const i = this.countAtMost(k);
      sum = spot * ((pre[n] as number) - (pre[i] as number)) - strike * (n - i);
    } else {
      const i = this.countBelow(k);
      sum = strike * i - spot * (pre[i] as number);
    }
    // Moves so extreme that exp() overflows: an unbounded payoff, never a free premium.
    if (!Number.isFinite(sum)) return Number.POSITIVE_INFINITY;
    return sum > 0 ? sum / n : 0;
  }
}

const EMPTY = new Float64Array(0);

/** Log moves between candles exactly `horizon` candles apart; writes into `out`, returns the count. */
function collectMoves(history: CandleHistory, horizon: number, out: Float64Array): number {
  const times = history.times;
  const closes = history.closes;
  const n = times.length;
  const span = horizon * history.intervalMs;
  let count = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const target = (times[i] as number) + span;
    if (j <= i) j = i + 1;
    while (j < n && (times[j] as number) < target) j++;
    if (j >= n) break;
    if (times[j] === target) out[count++] = Math.log((closes[j] as number) / (closes[i] as number));
  }
  return count;
}

function finish(moves: Float64Array, horizon: number, base: number, extrapolated: boolean): MoveDistribution {
  moves.sort();
  const prefix = new Float64Array(moves.length + 1);
  for (let i = 0; i < moves.length; i++) prefix[i + 1] = (prefix[i] as number) + Math.exp(moves[i] as number);
  return new MoveDistribution(moves, prefix, horizon, base, extrapolated);
}

/** The distribution of moves over `horizonCandles` (>= 1), direct or extrapolated (see the file comment). */
export function moveDistribution(history: CandleHistory, horizonCandles: number, minSpans: number): MoveDistribution {
  const horizon = Math.max(1, Math.round(horizonCandles));
  const n = history.length;
  if (n < 2) return new MoveDistribution(EMPTY, new Float64Array(1), horizon, horizon, true);
  const buffer = new Float64Array(n);
  const span = history.spanCandles();
  if (span >= horizon * minSpans) {
    const count = collectMoves(history, horizon, buffer);
    if (count > 0) return finish(buffer.slice(0, count), horizon, horizon, false);
  }
  const base = Math.max(1, Math.min(horizon, Math.floor(span / Math.max(1, minSpans))));
  const count = collectMoves(history, base, buffer);
  if (count === 0) return new MoveDistribution(EMPTY, new Float64Array(1), horizon, base, true);
  const moves = buffer.slice(0, count);
  let mean = 0;
  for (let i = 0; i < count; i++) mean += moves[i] as number;
  mean /= count;
  const scale = Math.sqrt(horizon / base);
  for (let i = 0; i < count; i++) moves[i] = ((moves[i] as number) - mean) * scale;
  return finish(moves, horizon, base, true);
}

/**
 * The distributions of one underlying by horizon, rebuilt when the history changes (a new candle)
 * and otherwise reused across ticks: the options of one expiry share a horizon, so a tick builds at
 * most one distribution per expiry.
 */
export class MoveDistributionCache {
  private version = -1;
  private readonly byHorizon = new Map<number, MoveDistribution>();

  constructor(private readonly minSpans: number) {}

  get(history: CandleHistory, horizonCandles: number): MoveDistribution {
    // A new candle invalidates every horizon; the size cap bounds a cache whose history has stopped
    // changing while the horizons keep shrinking with time.
    if (history.version !== this.version || this.byHorizon.size >= 64) {
      this.byHorizon.clear();
      this.version = history.version;
    }
    const horizon = Math.max(1, Math.round(horizonCandles));
    let d = this.byHorizon.get(horizon);
    if (d === undefined) {
      d = moveDistribution(history, horizon, this.minSpans);
      this.byHorizon.set(horizon, d);
    }
    return d;
  }
}

/**
 * AnalizadorFrecuencias: the empirical distribution of the underlying's log move over a horizon,
 * from the candle history, and what it says about a short option: how often the move crossed the
 * breakeven, the probability of expiring out of the money, the expected payoff.
 *
 * Estimator (docs/srona.md, "Frequency analysis", has the maths and the Monte-Carlo evidence):
 *
 * 1. Returns: r_i = ln c_i − ln c_{i−1} of consecutive candles of the whole history (a return across
 *    a missing candle is skipped), centred on their sample mean: x_i = r_i − r̄.
 * 2. Moves: a circular block bootstrap (Politis–Romano) of the x_i. A move over h candles is the sum
 *    of ⌊h/L⌋ blocks of L consecutive returns (circularly, from uniformly drawn starts) plus one block
 *    of the remaining h mod L, each block sum read in O(1) from prefix sums and divided by
 *    √(1 − len/n), which undoes the variance the centring takes out of a block of len of n returns.
 *    So the variance of a move is h·σ̂² at every horizon, by construction, whereas overlapping
 *    windows of a short history are not: their spread shrinks as the horizon nears the history's
 *    span, and a √time rescale of them does not restore it.
 * 3. Drift: one rule for every horizon. The moves are shifted so that mean(e^m) = e^{rT}: the same
 *    risk-neutral forward as the Black-Scholes model beside it, so the two models differ in shape
 *    (tails, skew) only. A month's mean return is no forecast (its standard error is several times
 *    any plausible drift), and keeping it for some horizons and not others made P(OTM) jump.
 *
 * The draws are common random numbers: block k of move b starts at hash(b, k) · n, the same for
 * every horizon and every history. The distribution at h + 1 is then the one at h plus one more
 * return per move (P(OTM) is smooth in the horizon), a new candle moves it only as much as the data
 * moved, and a report is reproducible from its history alone. No Math.random.
 */
import type { OptionSide } from '@marketpipe/contracts';
import type { CandleHistory } from './history';
import { DAY_MS } from './params';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm sandbox.
const { cbrt, ceil, exp, floor, imul, log, max, min, round, sqrt } = Math;

/** Moves drawn per distribution: P(OTM) within ≈ ±0.01 (1 sd) of the bootstrap's limit. */
export const BOOTSTRAP_MOVES = 2048;
/**
 * Full blocks per move at most. Beyond MAX_BLOCKS · L candles a move is MAX_BLOCKS full blocks
 * scaled by √(h / (MAX_BLOCKS · L)): a sum of that many independent blocks is Gaussian in all but
 * its far tail, the scale keeps the variance h·σ̂², and memory and time stay bounded. With 30 days of
 * 1h candles (L = 9) that is beyond 96 days, never reached by the 45-day expiry ceiling.
 */
export const MAX_BLOCKS = 256;
const YEAR_MS = 365 * DAY_MS;
/** Horizons are clamped to this many candles, so that no input can make the move scale infinite. */
const MAX_HORIZON = 2 ** 31;
const SEED = 0x5a0e_a11c;

/**
 * Block length in candles: ⌈n^(1/3)⌉, the MSE-optimal order for block-bootstrap variance estimates
 * (Hall, Horowitz & Jing 1995): longer blocks keep more of the dependence between returns but
 * estimate the move's variance from fewer independent blocks (relative error ≈ √(4L / 3n)). At most
 * a quarter of the returns, so that blocks stay many and their centring cost (len / n) small.
 */
export function blockLength(returns: number): number {
  return max(1, min(ceil(cbrt(returns)), floor(returns / 4)));
}

/** Uniform [0, 1) from a counter: the start of block k of move b (murmur3's finaliser). */
function draw(b: number, k: number): number {
  let x = (SEED ^ imul(b + 1, 0x9e3779b1) ^ imul(k + 1, 0x85ebca77)) >>> 0;
  x ^= x >>> 16;
  x = imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/**
 * The centred consecutive returns of one history version, as prefix sums, and the bootstrap's sums
 * of full blocks per move, shared by all its horizons: with common random numbers the first q
 * blocks of move b are the same at every horizon, so a rebuild draws each block once per history
 * version, not once per expiry.
 */
export class ReturnSeries {
  /** columns[q][b] = sum of the first q full blocks of move b; grown on demand up to MAX_BLOCKS. */
  private readonly columns: Float64Array[] = [];

  /**
   * @param prefix prefix[i] = Σ_{j < i} x_j of the centred returns (length n + 1)
   * @param blockCandles L, blockLength(n)
   */
  private constructor(
    readonly prefix: Float64Array,
    readonly blockCandles: number,
    readonly spanCandles: number,
    readonly intervalMs: number,
  ) {}

  get returns(): number {
    return this.prefix.length - 1;
  }

  /** Sum of the first `q` (0..MAX_BLOCKS) full blocks of every move (needs at least one return). */
  fullBlocks(q: number): Float64Array {
    const columns = this.columns;
    if (columns.length === 0) columns.push(new Float64Array(BOOTSTRAP_MOVES));
    const prefix = this.prefix;
    const n = prefix.length - 1;
    const L = this.blockCandles;
    while (columns.length <= q) {
      const k = columns.length - 1;
      const prev = columns[k] as Float64Array;
      const next = new Float64Array(BOOTSTRAP_MOVES);
      for (let b = 0; b < BOOTSTRAP_MOVES; b++) {
        next[b] = (prev[b] as number) + blockSum(prefix, n, floor(draw(b, k) * n), L);
      }
      columns.push(next);
    }
    return columns[q] as Float64Array;
  }

  static of(history: CandleHistory): ReturnSeries {
    const times = history.times;
    const closes = history.closes;
    const interval = history.intervalMs;
    const r = new Float64Array(max(0, times.length - 1));
    let n = 0;
    let sum = 0;
    for (let i = 1; i < times.length; i++) {
      if ((times[i] as number) - (times[i - 1] as number) !== interval) continue;
      // Difference of logs, not the log of a ratio: the ratio of two finite closes can overflow.
      const x = log(closes[i] as number) - log(closes[i - 1] as number);
      r[n++] = x;
      sum += x;
    }
    const mean = n > 0 ? sum / n : 0;
    const prefix = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + ((r[i] as number) - mean);
    return new ReturnSeries(prefix, blockLength(n), history.spanCandles(), interval);
  }
}

export class MoveDistribution {
  /**
   * @param moves log moves, ascending
   * @param prefixExp prefixExp[i] = Σ_{j < i} exp(moves[j]) (length moves.length + 1)
   * @param returns consecutive returns the moves were resampled from (published as `samples`)
   * @param blockCandles bootstrap block length L
   * @param extrapolated the history spans fewer than minSpans horizons (see moveDistribution)
   */
  constructor(
    readonly moves: Float64Array,
    private readonly prefixExp: Float64Array,
    readonly horizonCandles: number,
    readonly returns: number,
    readonly blockCandles: number,
    readonly extrapolated: boolean,
  ) {}

  /** Moves in the distribution (the bootstrap size; 0 when the history is too short). */
  get size(): number {
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
    if (side === 'CALL') return n - this.countAtMost(log((strike + premium) / spot));
    const breakeven = strike - premium;
    if (!(breakeven > 0)) return 0;
    return this.countBelow(log(breakeven / spot));
  }

  /** Share of moves that cross the breakeven (breaches / size); NaN without moves. */
  breachFrequency(side: OptionSide, spot: number, strike: number, premium: number): number {
    const n = this.moves.length;
    return n === 0 ? Number.NaN : this.breaches(side, spot, strike, premium) / n;
  }

  /** Share of moves that leave the option out of the money at expiry (call: S_T <= K, put: S_T >= K). */
  probOtm(side: OptionSide, spot: number, strike: number): number {
    const n = this.moves.length;
    if (n === 0) return Number.NaN;
    const k = log(strike / spot);
    return side === 'CALL' ? this.countAtMost(k) / n : (n - this.countBelow(k)) / n;
  }

  /**
   * Mean payoff per unit of the underlying, max(S e^m - K, 0) or max(K - S e^m, 0), undiscounted, in
   * O(log n) from the prefix sums of e^m; Infinity when the sums overflow.
   */
  expectedPayoff(side: OptionSide, spot: number, strike: number): number {
    const n = this.moves.length;
    if (n === 0) return Number.NaN;
    const k = log(strike / spot);
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
const EMPTY_PREFIX = new Float64Array(1);

/** Whole candles in [1, MAX_HORIZON] (NaN and below 1: 1). */
function horizonOf(candles: number): number {
  const rounded = round(candles);
  return rounded >= 1 ? min(rounded, MAX_HORIZON) : 1;
}

/** Sum of `len` (1..n) centred returns from `start`, circularly. */
function blockSum(prefix: Float64Array, n: number, start: number, len: number): number {
  const end = start + len;
  if (end <= n) return (prefix[end] as number) - (prefix[start] as number);
  return (prefix[n] as number) - (prefix[start] as number) + (prefix[end - n] as number);
}

/**
 * The distribution of moves over `horizonCandles` (>= 1) from a history's returns (see the file
 * comment), with mean(e^m) = e^{rate · T}. Empty with fewer than two returns (no spread to resample).
 * `extrapolated` = the history spans fewer than `minSpans` horizons: too few whole horizon windows to
 * have seen such moves, so the distribution rests on the bootstrap's assembly of shorter stretches.
 */
export function movesFromReturns(
  series: ReturnSeries,
  horizonCandles: number,
  minSpans: number,
  ratePerYear = 0,
): MoveDistribution {
  const h = horizonOf(horizonCandles);
  const n = series.returns;
  const extrapolated = !(series.spanCandles >= h * minSpans);
  const L = series.blockCandles;
  if (n < 2) return new MoveDistribution(EMPTY, EMPTY_PREFIX, h, n, L, extrapolated);
  let full = floor(h / L);
  let last = h - full * L;
  let scale = 1;
  if (full + (last > 0 ? 1 : 0) > MAX_BLOCKS) {
    scale = sqrt(h / (MAX_BLOCKS * L));
    full = MAX_BLOCKS;
    last = 0;
  }
  const blocks = series.fullBlocks(full);
  const prefix = series.prefix;
  const fullScale = scale / sqrt(1 - L / n);
  const lastScale = last > 0 ? 1 / sqrt(1 - last / n) : 0;
  const moves = new Float64Array(BOOTSTRAP_MOVES);
  let top = Number.NEGATIVE_INFINITY;
  for (let b = 0; b < BOOTSTRAP_MOVES; b++) {
    let m = (blocks[b] as number) * fullScale;
    if (last > 0) m += blockSum(prefix, n, floor(draw(b, full) * n), last) * lastScale;
    moves[b] = m;
    if (m > top) top = m;
  }
  // Martingale shift, through log-sum-exp so that exp() cannot overflow: after it every e^m <= size · e^{rT}.
  let sumExp = 0;
  for (let b = 0; b < BOOTSTRAP_MOVES; b++) sumExp += exp((moves[b] as number) - top);
  const years = (h * series.intervalMs) / YEAR_MS;
  const shift = top + log(sumExp / BOOTSTRAP_MOVES) - ratePerYear * years;
  for (let b = 0; b < BOOTSTRAP_MOVES; b++) moves[b] = (moves[b] as number) - shift;
  moves.sort();
  const prefixExp = new Float64Array(BOOTSTRAP_MOVES + 1);
  for (let i = 0; i < BOOTSTRAP_MOVES; i++) prefixExp[i + 1] = (prefixExp[i] as number) + exp(moves[i] as number);
  return new MoveDistribution(moves, prefixExp, h, n, L, extrapolated);
}

/** The distribution of moves over `horizonCandles` of `history` (movesFromReturns of its returns). */
export function moveDistribution(
  history: CandleHistory,
  horizonCandles: number,
  minSpans: number,
  ratePerYear = 0,
): MoveDistribution {
  return movesFromReturns(ReturnSeries.of(history), horizonCandles, minSpans, ratePerYear);
}

/**
 * The distributions of one underlying by horizon, rebuilt when the history changes (a new candle)
 * and otherwise reused across ticks: the options of one expiry share a horizon, so a tick builds at
 * most one distribution per expiry, all from one pass over the history's returns.
 */
export class MoveDistributionCache {
  private version = -1;
  private series: ReturnSeries | undefined;
  private readonly byHorizon = new Map<number, MoveDistribution>();

  /**
   * @param minSpans horizons the history must span for a distribution not to be `extrapolated`
   * @param ratePerYear the risk-free rate of the Black-Scholes model: the moves' forward is e^{rT}
   */
  constructor(
    private readonly minSpans: number,
    private readonly ratePerYear = 0,
  ) {}

  get(history: CandleHistory, horizonCandles: number): MoveDistribution {
    // A new candle invalidates every horizon; the size cap bounds a cache whose history has stopped
    // changing while the horizons keep shrinking with time.
    if (history.version !== this.version || this.byHorizon.size >= 64) {
      if (history.version !== this.version) this.series = undefined;
      this.byHorizon.clear();
      this.version = history.version;
    }
    const horizon = horizonOf(horizonCandles);
    let d = this.byHorizon.get(horizon);
    if (d === undefined) {
      this.series ??= ReturnSeries.of(history);
      d = movesFromReturns(this.series, horizon, this.minSpans, this.ratePerYear);
      this.byHorizon.set(horizon, d);
    }
    return d;
  }
}

/**
 * The candle history of one underlying: closes of one kline interval, keyed by openTime,
 * deduplicated (a candle seen again replaces the held one), kept in time order whatever order the
 * candles arrive in (a replay interleaves backfill and live candles), and bounded.
 */
export class CandleHistory {
  /** openTime of each held candle, ascending, unique. */
  readonly times: number[] = [];
  /** close of each held candle, parallel to `times`. */
  readonly closes: number[] = [];
  /** Bumped on every change; caches derived from the history compare it. */
  version = 0;
  /** Newest closeTime (eventTime) among the candles added, for freshness. */
  newestEventTime = Number.NEGATIVE_INFINITY;
  private readonly slack: number;

  /**
   * @param intervalMs length of one candle
   * @param capacity candles kept; older ones are dropped (in batches: up to capacity + capacity / 8 are held)
   */
  constructor(
    readonly intervalMs: number,
    readonly capacity: number,
  ) {
    this.slack = Math.max(8, Math.floor(capacity / 8));
  }

  get length(): number {
    return this.times.length;
  }

  /** Time span from the first to the last held candle, in candles (gaps included). */
  spanCandles(): number {
    const n = this.times.length;
    if (n < 2) return 0;
    return ((this.times[n - 1] as number) - (this.times[0] as number)) / this.intervalMs;
  }

  /**
   * Adds (or replaces) the candle opening at `openTime`. Returns whether the history changed.
   * Ignores closes that are not positive and finite, and candles older than a full history.
   */
  add(openTime: number, close: number, eventTime: number): boolean {
    if (!(close > 0) || close === Number.POSITIVE_INFINITY || !Number.isSafeInteger(openTime)) return false;
    const times = this.times;
    const closes = this.closes;
    const n = times.length;
    if (n === 0 || openTime > (times[n - 1] as number)) {
      times.push(openTime);
      closes.push(close);
    } else {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((times[mid] as number) < openTime) lo = mid + 1;
        else hi = mid;
      }
      if (times[lo] === openTime) {
        if (closes[lo] === close) return false;
        closes[lo] = close;
      } else {
        if (lo === 0 && n >= this.capacity) return false;
        times.splice(lo, 0, openTime);
        closes.splice(lo, 0, close);
      }
    }
    if (eventTime > this.newestEventTime) this.newestEventTime = eventTime;
    if (times.length > this.capacity + this.slack) {
      const drop = times.length - this.capacity;
      times.splice(0, drop);
      closes.splice(0, drop);
    }
    this.version++;
    return true;
  }
}

/**
 * A bounded, exchange-time-ordered window of samples, stored column-wise in Float64Arrays (a
 * sample costs 8 bytes per field instead of an object with boxed doubles). Order-tolerant and
 * idempotent: its content depends only on the set of samples offered, never on their arrival order.
 *
 * - Samples are bucketed by exchange time (`bucketMs`); a bucket holds the sample with the newest
 *   time, so a second sample at the same time (a duplicate, a replay) is a no-op.
 * - A late sample is inserted in time order (binary search; the in-order append is O(1)).
 * - Samples older than `newest − horizonMs` are dropped, and refused on arrival: a window holds at
 *   most `horizonMs / bucketMs + 1` samples.
 *
 * Values are numbers; a missing value is stored as NaN and read back through `valueOrNull`, so the
 * sentinel never leaves the window.
 */
export class SeriesWindow {
  private times: Float64Array;
  private readonly columns: Float64Array[];
  /** Live samples are [start, end). */
  private start = 0;
  private end = 0;
  private newestTime = -Infinity;

  constructor(
    readonly horizonMs: number,
    readonly bucketMs: number,
    columnCount: number,
    initialCapacity = 16,
  ) {
    this.times = new Float64Array(initialCapacity);
    this.columns = [];
    for (let c = 0; c < columnCount; c++) this.columns.push(new Float64Array(initialCapacity));
  }

  /** Live samples. */
  get size(): number {
    return this.end - this.start;
  }

  /** Exchange time of the newest sample ever accepted (−Infinity when none). */
  get newest(): number {
    return this.newestTime;
  }

  /** Time of the i-th live sample, oldest first (0 ≤ i < size). */
  time(i: number): number {
    return this.times[this.start + i] as number;
  }

  /** Column `column` of the i-th live sample (NaN where the value was missing). */
  value(column: number, i: number): number {
    return (this.columns[column] as Float64Array)[this.start + i] as number;
  }

  valueOrNull(column: number, i: number): number | null {
    const v = this.value(column, i);
    return v === v ? v : null;
  }

  /**
   * Adds a sample (up to three values; pass null for a missing one); returns whether the window
   * changed.
   */
  insert(t: number, v0: number | null = null, v1: number | null = null, v2: number | null = null): boolean {
    if (!Number.isFinite(t) || t < this.newestTime - this.horizonMs) return false;
    const bucket = Math.floor(t / this.bucketMs);
    let at: number;
    if (this.end === this.start || bucket > Math.floor((this.times[this.end - 1] as number) / this.bucketMs)) {
      this.makeRoom();
      at = this.end++;
    } else {
      // First live position whose bucket is >= this one.
      let lo = this.start;
      let hi = this.end;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (Math.floor((this.times[mid] as number) / this.bucketMs) < bucket) lo = mid + 1;
        else hi = mid;
      }
      if (Math.floor((this.times[lo] as number) / this.bucketMs) === bucket) {
        if (t <= (this.times[lo] as number)) return false;
      } else {
        const offset = lo - this.start;
        this.makeRoom();
        lo = this.start + offset;
        this.times.copyWithin(lo + 1, lo, this.end);
        for (const col of this.columns) col.copyWithin(lo + 1, lo, this.end);
        this.end++;
      }
      at = lo;
    }
    this.times[at] = t;
    const cols = this.columns;
    if (cols.length > 0) (cols[0] as Float64Array)[at] = v0 ?? NaN;
    if (cols.length > 1) (cols[1] as Float64Array)[at] = v1 ?? NaN;
    if (cols.length > 2) (cols[2] as Float64Array)[at] = v2 ?? NaN;
    if (t > this.newestTime) {
      this.newestTime = t;
      const cutoff = t - this.horizonMs;
      while (this.start < this.end && (this.times[this.start] as number) < cutoff) this.start++;
    }
    return true;
  }

  /** Index (among live samples) of the first sample with time >= t; size when none. */
  firstAtOrAfter(t: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.start;
  }

  /** Index of the last sample with time <= t; −1 when none. */
  lastAtOrBefore(t: number): number {
    return this.firstAfter(t) - 1;
  }

  private firstAfter(t: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.start;
  }

  /** Floats `writeTo` needs: live size and newest time, then the times and every column. */
  get serializedLength(): number {
    return 2 + this.size * (1 + this.columns.length);
  }

  /** Writes the window (checkpoint layout: size, newest time, times, each column) at `at`; returns the index after. */
  writeTo(out: Float64Array, at: number): number {
    const n = this.size;
    out[at] = n;
    out[at + 1] = this.newestTime;
    let i = at + 2;
    out.set(this.times.subarray(this.start, this.end), i);
    i += n;
    for (const col of this.columns) {
      out.set(col.subarray(this.start, this.end), i);
      i += n;
    }
    return i;
  }

  /**
   * Replaces the content with a window `writeTo` wrote at `at`; returns the index after, or −1
   * when the data is too short for what it claims (a truncated checkpoint restores nothing).
   */
  readFrom(data: Float64Array, at: number): number {
    const n = data[at];
    const newest = data[at + 1];
    if (n === undefined || newest === undefined || !Number.isInteger(n) || n < 0) return -1;
    const end = at + 2 + n * (1 + this.columns.length);
    if (end > data.length) return -1;
    const capacity = Math.max(16, n + 1);
    this.times = new Float64Array(capacity);
    this.times.set(data.subarray(at + 2, at + 2 + n));
    for (let c = 0; c < this.columns.length; c++) {
      const col = new Float64Array(capacity);
      const from = at + 2 + n * (1 + c);
      col.set(data.subarray(from, from + n));
      this.columns[c] = col;
    }
    this.start = 0;
    this.end = n;
    this.newestTime = newest;
    return end;
  }

  /** Ensures one free slot at the end: slides the live samples to the front, or doubles the arrays. */
  private makeRoom(): void {
    if (this.end < this.times.length) return;
    const live = this.end - this.start;
    if (this.start > 0 && live <= (this.times.length * 3) / 4) {
      this.times.copyWithin(0, this.start, this.end);
      for (const col of this.columns) col.copyWithin(0, this.start, this.end);
    } else {
      const grown = Math.max(16, this.times.length * 2);
      this.times = copyInto(new Float64Array(grown), this.times, this.start, this.end);
      for (let c = 0; c < this.columns.length; c++) {
        this.columns[c] = copyInto(new Float64Array(grown), this.columns[c] as Float64Array, this.start, this.end);
      }
    }
    this.start = 0;
    this.end = live;
  }
}

function copyInto(target: Float64Array, source: Float64Array, from: number, to: number): Float64Array {
  target.set(source.subarray(from, to));
  return target;
}

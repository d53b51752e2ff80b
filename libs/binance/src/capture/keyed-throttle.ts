/**
 * Conflation without added latency: the first value of a key in an interval goes out at once
 * (batched with whatever else arrived within `batchMs`, so a burst becomes one Kafka send); later
 * values of that key only replace a held one. At most one value per key per interval, whatever the
 * stream rate; with intervalMs 0 every value goes out (still batched).
 *
 * When a held value goes out depends on when it came:
 * - Late in the interval (its second half): at the interval's end. It is the next cycle's value
 *   come a little early (a 1 s feed jitters), and holding it longer would stretch the cadence.
 * - Early in the interval: with the key's next due value, or on its own once a whole interval
 *   (plus slack) passed without one. That is a second stream of the same key and cadence (USD-M
 *   ticker and mark price, a chain's mark and index) a few ms behind the first; sent at the
 *   interval's end it would become the interval's one record and hold the next second's first
 *   update for a whole interval, so the two would take turns arriving late. Instead each
 *   interval's record leaves as its first update arrives, carrying the other stream's state.
 *
 * A tenth of the interval (at most 100 ms) is slack: a feed that pushes every second arrives a few
 * ms early as often as late, and without slack every early frame would be held for a whole interval.
 */
export class KeyedThrottle<T> {
  private readonly ready = new Map<string, T>();
  /** Held values, each with when it goes out on its own (see the class comment). */
  private readonly held = new Map<string, { value: T; releaseAt: number }>();
  private readonly lastEmit = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (values: T[]) => void,
    private readonly options: { batchMs?: number; now?: () => number } = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private slackMs(): number {
    return Math.min(100, this.intervalMs / 10);
  }

  /** A new value of the key may go out now. */
  private due(last: number | undefined, now: number): boolean {
    return last === undefined || now - last >= this.intervalMs - this.slackMs();
  }

  offer(key: string, value: T): void {
    if (this.stopped) return;
    const last = this.lastEmit.get(key);
    const now = this.now();
    if (this.ready.has(key) || this.due(last, now)) {
      this.ready.set(key, value);
      this.held.delete(key);
      this.scheduleFlush();
    } else {
      // Not due, so `last` is set. Held early in the interval: wait a whole interval (plus slack)
      // for a next value to carry it; held late: out at the interval's end.
      const since = last ?? now;
      const releaseAt =
        this.held.get(key)?.releaseAt ??
        (now - since < this.intervalMs / 2
          ? since + this.intervalMs + this.slackMs()
          : since + this.intervalMs - this.slackMs());
      this.held.set(key, { value, releaseAt });
      this.scheduleSweep();
    }
  }

  /** Values waiting: ready to go and held for the end of their interval. */
  pending(): number {
    return this.ready.size + this.held.size;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.options.batchMs ?? 5);
  }

  private scheduleSweep(): void {
    if (this.sweepTimer !== undefined) return;
    // A tenth of the interval: a held value goes out at most that late after its release time.
    this.sweepTimer = setTimeout(
      () => {
        this.sweepTimer = undefined;
        this.sweep();
      },
      Math.max(1, Math.floor(this.intervalMs / 10)),
    );
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, h] of this.held) {
      if (now >= h.releaseAt) {
        this.ready.set(key, h.value);
        this.held.delete(key);
      }
    }
    if (this.ready.size > 0) this.flush();
    if (this.held.size > 0) this.scheduleSweep();
  }

  /** Sends what is ready now. */
  flush(): void {
    if (this.ready.size === 0) return;
    const now = this.now();
    const values = [...this.ready.values()];
    for (const key of this.ready.keys()) this.lastEmit.set(key, now);
    this.ready.clear();
    this.emit(values);
  }

  /** Drops a key's state (a delisted symbol). */
  forget(key: string): void {
    this.ready.delete(key);
    this.held.delete(key);
    this.lastEmit.delete(key);
  }

  stop(): void {
    this.stopped = true;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    if (this.sweepTimer !== undefined) clearTimeout(this.sweepTimer);
    this.flushTimer = this.sweepTimer = undefined;
  }
}

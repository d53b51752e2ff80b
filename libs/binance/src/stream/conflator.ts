// Downstream of a 1 s stream, not every consumer wants every frame: keep the newest value per
// key and hand them on at a bounded rate.

export type ConflateMode = { kind: 'interval'; intervalMs: number } | { kind: 'change' };

/** Holds the latest value per key; emits at most one value per key per interval (or every change). */
export class Conflator<T> {
  private readonly held = new Map<string, T>();
  private timer: NodeJS.Timeout | undefined;
  private lastEmitAt: number;
  private running = false;

  constructor(
    private readonly mode: ConflateMode,
    private readonly emit: (values: T[]) => void,
    private readonly now: () => number = Date.now,
  ) {
    if (mode.kind === 'interval' && !(mode.intervalMs > 0)) throw new Error('intervalMs must be positive');
    this.lastEmitAt = now();
  }

  offer(key: string, value: T): void {
    if (this.mode.kind === 'change') {
      this.emit([value]);
      return;
    }
    // Re-inserting moves the key to the end: values come out in order of their last update.
    this.held.delete(key);
    this.held.set(key, value);
    // Without the timer (not started, or late), offers keep emission going on the injected clock.
    if (this.now() - this.lastEmitAt >= this.mode.intervalMs) this.flush();
  }

  /** Starts the interval timer (no-op for 'change'). */
  start(): void {
    if (this.mode.kind !== 'interval' || this.running) return;
    this.running = true;
    this.schedule(this.mode.intervalMs);
  }

  /** Emits what is pending now. */
  flush(): void {
    this.lastEmitAt = this.now();
    if (this.held.size === 0) return;
    const values = [...this.held.values()];
    this.held.clear();
    this.emit(values);
  }

  /** Stops the timer and emits what is still held, so a shutdown loses no last value. */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  pending(): number {
    return this.held.size;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.tick(), Math.max(0, delayMs));
    this.timer.unref();
  }

  /** A timer is never early by design, but an offer may have flushed meanwhile: then wait out the
   * rest of that interval, or a key could be emitted twice within one. */
  private tick(): void {
    if (!this.running || this.mode.kind !== 'interval') return;
    const since = this.now() - this.lastEmitAt;
    if (since >= this.mode.intervalMs) {
      this.flush();
      this.schedule(this.mode.intervalMs);
    } else this.schedule(this.mode.intervalMs - since);
  }
}

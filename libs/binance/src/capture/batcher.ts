/**
 * Gathers values for `batchMs` after the first one and hands them over in one call, so a burst of
 * stream frames becomes one Kafka send. Unlike KeyedThrottle it never replaces or drops a value:
 * for series where every element counts (closed candles), not just the latest state.
 */
export class Batcher<T> {
  private values: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly emit: (values: T[]) => void,
    private readonly batchMs = 5,
  ) {}

  push(value: T): void {
    if (this.stopped) return;
    this.values.push(value);
    this.timer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  /** Hands over what is gathered now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.values.length === 0) return;
    const values = this.values;
    this.values = [];
    this.emit(values);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

import type { Bus } from '@marketpipe/bus';
import { TOPICS, type DataGap, type GapCause, type GapProduct, type TopicName } from '@marketpipe/contracts';
import type { Logger } from '@marketpipe/runtime';
import { Counter, type Registry } from 'prom-client';

/** What a capture knows of a span of lost data; the reporter makes the DataGap record of it. */
export interface GapSpan {
  topics: readonly TopicName[];
  /** null: every symbol of the product. */
  symbols: readonly string[] | null;
  start: number;
  end: number | null;
  cause: GapCause;
  detail: string;
  repaired: boolean;
  /** The id of an earlier record of this gap (an open gap now closed); a new one otherwise. */
  gapId?: string;
}

/**
 * The symbols a set of streams carries: the part before the first `@`, upper-cased
 * (`btcusdt@kline_1m` → BTCUSDT; options streams name their underlying); null as soon as one is an
 * all-market stream (`!ticker@arr`), which carries every symbol.
 */
export function symbolsOfStreams(streams: readonly string[]): string[] | null {
  const out = new Set<string>();
  for (const s of streams) {
    if (s.startsWith('!')) return null;
    const at = s.indexOf('@');
    out.add((at < 0 ? s : s.slice(0, at)).toUpperCase());
  }
  return [...out].sort();
}

const gapCounters = new WeakMap<Registry, Counter<'product' | 'cause'>>();

function gapCounter(registry: Registry): Counter<'product' | 'cause'> {
  let c = gapCounters.get(registry);
  if (c === undefined) {
    c = new Counter({
      name: 'marketpipe_capture_gaps_total',
      help: 'Spans of lost data reported on market.gaps, by cause',
      labelNames: ['product', 'cause'],
      registers: [registry],
    });
    gapCounters.set(registry, c);
  }
  return c;
}

/** First retry of an unsent gap record, ms; doubled after each failure up to the maximum. */
export const GAP_RETRY_MS = { first: 500, max: 10_000 } as const;

/**
 * Publishes a capture's gap records on market.gaps. A record that cannot be sent (the broker is
 * the very thing that is gone) waits in order and is retried on its own timer (500 ms doubling to
 * 10 s), so a gap is never lost to the outage it reports, even when no other record follows it
 * (the gaps topic may lag behind the capture's own topics when partition leaders come back). The
 * queue is bounded, oldest dropped first with a log line.
 */
export class GapReporter {
  private readonly queue: DataGap[] = [];
  private flushing: Promise<void> | undefined;
  private seq = 0;
  private readonly counter: Counter<'product' | 'cause'>;
  private retryMs: number = GAP_RETRY_MS.first;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
    registry: Registry,
    private readonly product: GapProduct,
    private readonly source: string,
    private readonly now: () => number = Date.now,
    private readonly maxQueued = 1_000,
  ) {
    this.counter = gapCounter(registry);
  }

  /** Queues the gap's record and tries to send it; returns its gap id. */
  report(span: GapSpan): string {
    const gapId = span.gapId ?? `${this.source}:${span.cause.toLowerCase()}:${span.start}:${++this.seq}`;
    const record: DataGap = {
      gapId,
      product: this.product,
      topics: [...span.topics],
      symbols: span.symbols === null ? null : [...span.symbols],
      start: span.start,
      end: span.end,
      cause: span.cause,
      detail: span.detail,
      repaired: span.repaired,
      eventTime: span.end ?? span.start,
      emitTime: this.now(),
      source: this.source,
    };
    this.logger.warn(
      {
        gapId,
        cause: span.cause,
        topics: span.topics,
        symbols: span.symbols === null ? 'all' : span.symbols.length,
        start: new Date(span.start).toISOString(),
        end: span.end === null ? null : new Date(span.end).toISOString(),
        repaired: span.repaired,
      },
      'data gap reported',
    );
    if (span.gapId === undefined) this.counter.inc({ product: this.product, cause: span.cause });
    this.queue.push(record);
    if (this.queue.length > this.maxQueued) {
      const dropped = this.queue.shift() as DataGap;
      this.logger.error({ gapId: dropped.gapId }, `gap record dropped: more than ${this.maxQueued} unsent`);
    }
    void this.flush();
    return gapId;
  }

  /** Sends what is queued; a failure leaves it queued for the next call. */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** No more retries (the capture is stopping; it makes its own last flush). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.retry = undefined;
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry !== undefined) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.flush();
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(GAP_RETRY_MS.max, this.retryMs * 2);
  }

  private async send(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice();
      try {
        await this.bus.publish(
          TOPICS.gaps,
          batch.map((value) => ({ key: value.gapId, value })),
        );
      } catch (err) {
        this.logger.debug({ err: (err as Error).message, pending: batch.length }, 'gap records not sent yet');
        this.scheduleRetry();
        return;
      }
      this.retryMs = GAP_RETRY_MS.first;
      const sent = new Set(batch);
      const rest = this.queue.filter((g) => !sent.has(g));
      this.queue.length = 0;
      this.queue.push(...rest);
    }
  }
}

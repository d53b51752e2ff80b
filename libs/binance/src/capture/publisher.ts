import type { Bus } from '@marketpipe/bus';
import { ContractError, type TopicName, type TopicValues } from '@marketpipe/contracts';
import type { Logger } from '@marketpipe/runtime';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Mapped, Rejection } from '../checked';
import type { GapReporter } from './gaps';

type Value<T extends TopicName> = TopicValues[T] & { eventTime: number };

export interface PublishOptions<T extends TopicName> {
  /** Kafka key: the symbol, or the underlying for options chains. */
  keyOf: (record: TopicValues[T]) => string;
  /** What "the same series" is, for the never-backwards rule (default: the key). */
  seriesOf?: (record: TopicValues[T]) => string;
}

interface PublisherMetrics {
  published: Counter<'topic'>;
  unchanged: Counter<'topic'>;
  lastPublish: Gauge<'topic'>;
}

/**
 * A send Kafka takes only after this long counts as an outage too: the idempotent producer retries
 * until the brokers answer, so a broker restart often ends in sends that succeed ~20 s late rather
 * than fail, and the span without timely data is the same either way.
 */
export const SEND_STALL_MS = 5_000;

/** How far back acceptance times are kept to place a late failure's gap start. */
const ACCEPTS_KEPT_MS = 10 * 60_000;

const byRegistry = new WeakMap<Registry, PublisherMetrics>();

function publisherMetrics(registry: Registry): PublisherMetrics {
  let m = byRegistry.get(registry);
  if (m === undefined) {
    m = {
      published: new Counter({
        name: 'marketpipe_capture_records_total',
        help: 'Records published',
        labelNames: ['topic'],
        registers: [registry],
      }),
      unchanged: new Counter({
        name: 'marketpipe_capture_not_newer_total',
        help: 'Records not published because their eventTime was not newer than the last one of their series',
        labelNames: ['topic'],
        registers: [registry],
      }),
      lastPublish: new Gauge({
        name: 'marketpipe_capture_last_publish_timestamp_seconds',
        help: 'When the topic was last published to',
        labelNames: ['topic'],
        registers: [registry],
      }),
    };
    byRegistry.set(registry, m);
  }
  return m;
}

/** Logs each distinct rejection reason at most once per interval, so a bad feed cannot flood the logs. */
class RejectionLog {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  report(rejected: readonly Rejection[]): void {
    const now = Date.now();
    for (const r of rejected) {
      const key = `${r.endpoint} ${r.reason}`;
      const last = this.seen.get(key);
      if (last !== undefined && now - last < this.intervalMs) continue;
      this.seen.set(key, now);
      this.logger.warn(
        { endpoint: r.endpoint, symbol: r.symbol, reason: r.reason },
        'Binance payload element rejected',
      );
    }
  }
}

/**
 * The publish step of every capture service: reports what the mappers rejected (metric + a log line
 * per distinct reason), drops records that are not newer than the last one of their series — a
 * cached or replayed response must never be republished as fresh — and publishes the rest in one
 * batch.
 */
export class CapturePublisher {
  private readonly last = new Map<string, number>();
  private readonly metrics: PublisherMetrics;
  private readonly rejections: RejectionLog;
  /**
   * When Kafka took batches, oldest first (the last few minutes'): a send that fails after a later
   * one got through lost records from the acceptance before it was sent, which is where its gap
   * starts.
   */
  private readonly accepts: number[] = [];
  /** The end of the last gap reported: a failed send from before it is already inside a reported span. */
  private reportedUntil = -Infinity;
  /** Sends failing or stalled since `start` (the last accepted batch), on these topics. */
  private outage: { start: number; topics: Set<TopicName>; detail: string } | undefined;

  constructor(
    private readonly bus: Bus,
    logger: Logger,
    registry: Registry,
    private readonly countRejected: (endpoint: string, count: number) => void = () => undefined,
    private readonly gaps?: GapReporter,
    /** Topics whose missed records the capture fetches again over REST (candles), so an outage of only those is repaired. */
    private readonly refetched: (topic: TopicName) => boolean = () => false,
    private readonly now: () => number = Date.now,
  ) {
    this.metrics = publisherMetrics(registry);
    this.rejections = new RejectionLog(logger);
  }

  /**
   * Takes up a series where the topic shows it left off (a restart): a record of it no newer than
   * `eventTime` is not published again.
   */
  resume<T extends TopicName>(topic: T, series: string, eventTime: number): void {
    const key = `${topic}\u0000${series}`;
    if (eventTime > (this.last.get(key) ?? -Infinity)) this.last.set(key, eventTime);
  }

  /** Returns how many records were published. */
  async publish<T extends TopicName>(
    topic: T,
    mapped: Mapped<TopicValues[T]>,
    options: PublishOptions<T>,
  ): Promise<number> {
    if (mapped.rejected.length > 0) {
      this.rejections.report(mapped.rejected);
      const byEndpoint = new Map<string, number>();
      for (const r of mapped.rejected) byEndpoint.set(r.endpoint, (byEndpoint.get(r.endpoint) ?? 0) + 1);
      for (const [endpoint, n] of byEndpoint) this.countRejected(endpoint, n);
    }
    const seriesOf = options.seriesOf ?? options.keyOf;
    const fresh: { key: string; value: TopicValues[T] }[] = [];
    const pending = new Map<string, number>();
    for (const record of mapped.records) {
      const series = `${topic}\u0000${seriesOf(record)}`;
      const eventTime = (record as Value<T>).eventTime;
      const last = pending.get(series) ?? this.last.get(series);
      if (last !== undefined && eventTime <= last) continue;
      pending.set(series, eventTime);
      fresh.push({ key: options.keyOf(record), value: record });
    }
    const notNewer = mapped.records.length - fresh.length;
    if (notNewer > 0) this.metrics.unchanged.inc({ topic }, notNewer);
    if (fresh.length === 0) return 0;
    const sentAt = this.now();
    try {
      await this.bus.publish(topic, fresh);
    } catch (err) {
      this.failed(topic, err, sentAt);
      throw err;
    }
    const took = this.now() - sentAt;
    if (took >= SEND_STALL_MS) this.stalled(topic, took, sentAt);
    this.accepted();
    // Only after Kafka took the batch: a failed send must not mark its records as published.
    for (const [series, eventTime] of pending) this.last.set(series, eventTime);
    this.metrics.published.inc({ topic }, fresh.length);
    this.metrics.lastPublish.set({ topic }, Date.now() / 1000);
    return fresh.length;
  }

  /**
   * A send Kafka did not take opens (or widens) an outage; a record the contract refused does not,
   * nor does a send from inside a span already reported. A send held through a broker restart often
   * fails only after a later one got through: its records are lost all the same, so it opens the
   * outage from the acceptance before it was sent, and the next accepted batch closes it.
   */
  private failed(topic: TopicName, err: unknown, sentAt: number): void {
    if (err instanceof ContractError) return;
    this.widen(topic, sentAt, this.now(), `publishing failed: ${(err as Error).message}`);
  }

  /** A send Kafka took only after SEND_STALL_MS: the same span without timely data as a failure. */
  private stalled(topic: TopicName, took: number, sentAt: number): void {
    this.widen(topic, sentAt, sentAt, `publishing stalled: Kafka took ${(took / 1000).toFixed(1)} s to take a batch`);
  }

  private widen(topic: TopicName, sentAt: number, opened: number, detail: string): void {
    if (sentAt <= this.reportedUntil) return;
    const start = this.acceptedBefore(sentAt) ?? opened;
    if (this.outage === undefined) this.outage = { start, topics: new Set(), detail };
    else this.outage.start = Math.min(this.outage.start, start);
    this.outage.topics.add(topic);
  }

  /** The last time Kafka took a batch at or before `at`. */
  private acceptedBefore(at: number): number | undefined {
    for (let i = this.accepts.length - 1; i >= 0; i--) {
      const t = this.accepts[i] as number;
      if (t <= at) return t;
    }
    return undefined;
  }

  /** The first batch Kafka takes after failed ones ends the outage: one gap record names its span. */
  private accepted(): void {
    const now = this.now();
    // One time per 100 ms is enough to place a gap start (an earlier one only widens it a little).
    const newest = this.accepts[this.accepts.length - 1];
    if (newest === undefined || now - newest >= 100) this.accepts.push(now);
    // A send is held at most a few minutes (the producer's timeouts); older acceptances are not needed.
    while (this.accepts.length > 1 && (this.accepts[0] as number) < now - ACCEPTS_KEPT_MS) this.accepts.shift();
    const outage = this.outage;
    if (outage === undefined) {
      if ((this.gaps?.pending ?? 0) > 0) void this.gaps?.flush(); // gap records a failed flush left behind
      return;
    }
    this.outage = undefined;
    this.reportedUntil = now;
    const topics = [...outage.topics].sort();
    this.gaps?.report({
      topics,
      symbols: null,
      start: outage.start,
      end: now,
      cause: 'BROKER_OUTAGE',
      detail: outage.detail,
      repaired: topics.every(this.refetched),
    });
  }
}

import type { TopicName } from '@marketpipe/contracts';
import type { Logger } from '@marketpipe/runtime';
import type { Counter, Registry } from 'prom-client';
import type { ExchangeClock } from '../clock';
import type { BinanceStreamConfig } from '../config/stream-config';
import { StreamClient, streamMetrics, type StreamClientOptions } from '../stream';
import { symbolsOfStreams, type GapReporter, type GapSpan } from './gaps';

export interface StreamFeedsOptions {
  config: BinanceStreamConfig;
  logger: Logger;
  metrics: Registry;
  /** Label of the product in metrics and logs: spot, futures, options. */
  product: string;
  /** One REST snapshot of the product: fills what a lost connection missed. */
  repair: (signal: AbortSignal) => Promise<void>;
  /** Streams up (true) or down (false), for readiness and the REST fallback. */
  onStateChange?: (up: boolean) => void;
  /** Where spans of lost stream data are reported (market.gaps). */
  gaps?: GapReporter;
  now?: () => number;
  /** Takes every event's time (`E`) against its receipt as evidence of the exchange's clock. */
  clock?: ExchangeClock;
}

export type FeedOptions = Pick<
  StreamClientOptions,
  'product' | 'baseUrl' | 'path' | 'streams' | 'onMessage' | 'name'
> & {
  /** The topics the feed's data goes to: what a gap in it leaves missing. */
  topics: readonly TopicName[];
};

/**
 * The stream side of one capture: its WebSocket clients, whether they are all up, and gap repair.
 * After a loss (not after a clean hand-over) one REST snapshot fills the gap; several losses while a
 * repair runs coalesce into one more repair, so a flapping connection cannot spend the REST budget.
 * The snapshot's records go through the same publisher as the stream's, so nothing older than what
 * was already published goes out again. Each loss becomes one gap record (market.gaps) once the
 * repair that covers it has run, saying whether it succeeded; a refused stream becomes an open one.
 */
export class StreamFeeds {
  private readonly clients: StreamClient[] = [];
  private up = false;
  private repairing: Promise<void> | undefined;
  private repairAgain = false;
  private signal: AbortSignal | undefined;
  private readonly repairs: Counter<'product' | 'outcome'>;
  /** Losses waiting for the next repair to start; the repair that starts takes them all. */
  private unrepaired: Omit<GapSpan, 'repaired'>[] = [];
  private readonly now: () => number;

  constructor(private readonly options: StreamFeedsOptions) {
    this.repairs = streamMetrics(options.metrics).repairs;
    this.now = options.now ?? Date.now;
  }

  add(feed: FeedOptions): StreamClient {
    const { config, logger, metrics } = this.options;
    const { topics, ...clientFeed } = feed;
    const name = feed.name ?? feed.product;
    const clock = this.options.clock;
    const onMessage = clientFeed.onMessage;
    const client = new StreamClient({
      ...clientFeed,
      onMessage:
        clock === undefined
          ? onMessage
          : (stream, data, receivedAt) => {
              const e = typeof data === 'object' && data !== null ? (data as { E?: unknown }).E : undefined;
              if (typeof e === 'number') clock.observeEvent(e, receivedAt);
              onMessage(stream, data, receivedAt);
            },
      logger,
      metrics,
      lifetimeMs: config.STREAM_LIFETIME_MS,
      silenceMs: config.STREAM_SILENCE_MS,
      onGap: (streams, reason, since) => {
        logger.warn({ streams: streams.length, reason, feed: name }, 'stream gap: repairing from REST');
        this.unrepaired.push({
          topics,
          symbols: symbolsOfStreams(streams),
          start: since,
          end: this.now(),
          cause: 'STREAM_LOST',
          detail: `${name}: ${reason}`,
        });
        this.repair();
      },
      onRejected: (streams, at) =>
        void this.options.gaps?.report({
          topics,
          symbols: symbolsOfStreams(streams),
          start: at,
          end: null,
          cause: 'STREAM_REFUSED',
          detail: `${name}: the server refused to subscribe ${streams.length} stream(s)`,
          repaired: false,
        }),
      onStateChange: () => this.refreshState(),
    });
    this.clients.push(client);
    return client;
  }

  /** Every client carries all its streams. */
  isUp(): boolean {
    return this.up;
  }

  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const c of this.clients) c.start();
  }

  private refreshState(): void {
    const up = this.clients.length > 0 && this.clients.every((c) => c.isUp());
    if (up === this.up) return;
    this.up = up;
    this.options.logger.info({ product: this.options.product, up }, up ? 'streams up' : 'streams down');
    this.options.onStateChange?.(up);
  }

  private repair(): void {
    const signal = this.signal;
    if (signal === undefined || signal.aborted) return;
    if (this.repairing !== undefined) {
      this.repairAgain = true;
      return;
    }
    const product = this.options.product;
    const covered = this.unrepaired;
    this.unrepaired = [];
    const reportAll = (repaired: boolean): void => {
      for (const span of covered) this.options.gaps?.report({ ...span, repaired });
    };
    this.repairing = this.options
      .repair(signal)
      .then(
        () => {
          this.repairs.inc({ product, outcome: 'ok' });
          reportAll(true);
        },
        (err: unknown) => {
          this.repairs.inc({ product, outcome: 'failed' });
          this.options.logger.warn({ product, err: (err as Error).message }, 'gap repair from REST failed');
          reportAll(false);
        },
      )
      .finally(() => {
        this.repairing = undefined;
        if (this.repairAgain) {
          this.repairAgain = false;
          this.repair();
        }
      });
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.stop()));
    await this.repairing;
  }
}

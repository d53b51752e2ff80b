import type { Logger } from '@marketpipe/runtime';
import type { Counter, Registry } from 'prom-client';
import type { BinanceStreamConfig } from '../config/stream-config';
import { StreamClient, streamMetrics, type StreamClientOptions } from '../stream';

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
}

export type FeedOptions = Pick<StreamClientOptions, 'product' | 'baseUrl' | 'path' | 'streams' | 'onMessage' | 'name'>;

/**
 * The stream side of one capture: its WebSocket clients, whether they are all up, and gap repair.
 * After a loss (not after a clean hand-over) one REST snapshot fills the gap; several losses while a
 * repair runs coalesce into one more repair, so a flapping connection cannot spend the REST budget.
 * The snapshot's records go through the same publisher as the stream's, so nothing older than what
 * was already published goes out again.
 */
export class StreamFeeds {
  private readonly clients: StreamClient[] = [];
  private up = false;
  private repairing: Promise<void> | undefined;
  private repairAgain = false;
  private signal: AbortSignal | undefined;
  private readonly repairs: Counter<'product' | 'outcome'>;

  constructor(private readonly options: StreamFeedsOptions) {
    this.repairs = streamMetrics(options.metrics).repairs;
  }

  add(feed: FeedOptions): StreamClient {
    const { config, logger, metrics } = this.options;
    const client = new StreamClient({
      ...feed,
      logger,
      metrics,
      lifetimeMs: config.STREAM_LIFETIME_MS,
      silenceMs: config.STREAM_SILENCE_MS,
      onGap: (streams, reason) => {
        logger.warn(
          { streams: streams.length, reason, feed: feed.name ?? feed.product },
          'stream gap: repairing from REST',
        );
        this.repair();
      },
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
    this.repairing = this.options
      .repair(signal)
      .then(
        () => this.repairs.inc({ product, outcome: 'ok' }),
        (err: unknown) => {
          this.repairs.inc({ product, outcome: 'failed' });
          this.options.logger.warn({ product, err: (err as Error).message }, 'gap repair from REST failed');
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

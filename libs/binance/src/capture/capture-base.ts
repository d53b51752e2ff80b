import type { Bus } from '@marketpipe/bus';
import type { GapProduct, TopicName, TopicValues } from '@marketpipe/contracts';
import type { Logger } from '@marketpipe/runtime';
import { Gauge, type Registry } from 'prom-client';
import { ExchangeClock } from '../clock';
import { Poller, type PollerOptions } from '../poll/poller';
import type { BinanceRestClient } from '../rest/client';
import type { BinanceStreamConfig, CaptureMode } from '../config/stream-config';
import type { Rejection } from '../checked';
import { Batcher } from './batcher';
import { KeyedThrottle } from './keyed-throttle';
import { GapReporter } from './gaps';
import { CapturePublisher, type PublishOptions } from './publisher';
import { StreamFeeds } from './stream-feeds';
import { retryUntilDone } from './tasks';

/** REST weight the side loops may use in ws and auto modes: under the 5 % target with room for exchangeInfo. */
export const STREAM_MODE_REST_SHARE = 0.03;

/** How often a capture asks the exchange for its time (weight 1 on every product). */
export const CLOCK_SYNC_MS = 60_000;

const clocksByRegistry = new WeakMap<Registry, Map<string, ExchangeClock>>();

/** The offset and error gauges of every capture's exchange clock on a registry, read when scraped. */
function registerClock(registry: Registry, product: string, clock: ExchangeClock): void {
  let clocks = clocksByRegistry.get(registry);
  if (clocks === undefined) {
    const map = new Map<string, ExchangeClock>();
    clocks = map;
    clocksByRegistry.set(registry, map);
    new Gauge({
      name: 'marketpipe_exchange_clock_offset_seconds',
      help: "Binance's clock minus the local clock, estimated from round trips and stream event times",
      labelNames: ['product'],
      registers: [registry],
      collect() {
        for (const [p, c] of map) this.set({ product: p }, c.estimate().offsetMs / 1000);
      },
    });
    new Gauge({
      name: 'marketpipe_exchange_clock_error_seconds',
      help: 'Half the width of the interval the clock offset lies in',
      labelNames: ['product'],
      registers: [registry],
      collect() {
        for (const [p, c] of map) this.set({ product: p }, c.estimate().errorMs / 1000);
      },
    });
  }
  clocks.set(product, clock);
}

/** What every capture gets: the product's client, the bus, logging, metrics and readiness. */
export interface CaptureBaseDeps {
  client: BinanceRestClient;
  bus: Bus;
  logger: Logger;
  metrics: Registry;
  /** Readiness: true once the instrument table is loaded and the first records are out. */
  onReady?: (ready: boolean, detail: string) => void;
  now?: () => number;
}

/** Who a capture is, for its gap records. */
export interface CaptureIdentity {
  product: GapProduct;
  /** The service name, the gap records' source. */
  service: string;
  /** Topics whose missed records the capture fetches again over REST by itself (candles). */
  refetched?: (topic: TopicName) => boolean;
}

/**
 * The shape the three captures share: load the instrument table (retrying through outages and
 * bans), run named polling loops on the product's budget, publish through one CapturePublisher,
 * report ready after the first publish, stop every loop on shutdown.
 */
export abstract class CaptureBase {
  protected readonly publisher: CapturePublisher;
  protected readonly gaps: GapReporter;
  protected readonly now: () => number;
  /** Binance's clock as this capture sees it: every "closed?" and "expired?" is judged by it. */
  protected readonly clock: ExchangeClock;
  private readonly loops: { name: string; poller: Poller }[] = [];
  private announced = false;
  private mode: CaptureMode = 'rest';
  protected feeds: StreamFeeds | undefined;
  /** Throttles and batchers, stopped with the capture. */
  private readonly gates: { stop(): void }[] = [];
  /** Stream mappers' rejections since the last streamed publish, reported with it. */
  private streamRejected: Rejection[] = [];

  constructor(
    private readonly base: CaptureBaseDeps,
    identity: CaptureIdentity,
  ) {
    this.now = base.now ?? Date.now;
    this.clock = new ExchangeClock(this.now);
    registerClock(base.metrics, identity.product.toLowerCase(), this.clock);
    this.gaps = new GapReporter(base.bus, base.logger, base.metrics, identity.product, identity.service, this.now);
    this.publisher = new CapturePublisher(
      base.bus,
      base.logger,
      base.metrics,
      (endpoint, n) => base.client.countRejected(endpoint, n),
      this.gaps,
      identity.refetched,
      this.now,
    );
  }

  /** Runs `load` until it succeeds, reporting not-ready with the reason meanwhile. */
  protected async loadUntilDone(what: string, load: () => Promise<void>, signal: AbortSignal): Promise<void> {
    this.base.onReady?.(false, `loading ${what}`);
    await retryUntilDone(what, load, signal, this.base.logger, (m) => this.base.onReady?.(false, `${what}: ${m}`));
  }

  /** Declares a polling loop; `name` is how cadences() reports it. */
  protected addLoop(name: string, options: Omit<PollerOptions, 'name' | 'logger'>): void {
    this.loops.push({ name, poller: new Poller({ ...options, name, logger: this.base.logger }) });
  }

  /** Starts the declared loops, and the clock's: `time` once a minute, the first right away. */
  protected startLoops(signal: AbortSignal): void {
    this.addLoop('clock', { intervalMs: CLOCK_SYNC_MS, run: (s) => this.syncClock(s) });
    for (const { poller } of this.loops) poller.start(signal);
  }

  /** One round trip to the exchange's `time` endpoint for the clock. */
  private async syncClock(signal: AbortSignal): Promise<void> {
    const sentAt = this.now();
    const raw = await this.base.client.get('time', {}, signal);
    this.observeServerTime(sentAt, this.now(), raw);
  }

  /** A response body's `serverTime` (time, exchangeInfo) as clock evidence; absent or not a number: none. */
  protected observeServerTime(sentAt: number, receivedAt: number, body: unknown): void {
    const t = typeof body === 'object' && body !== null ? (body as { serverTime?: unknown }).serverTime : undefined;
    if (typeof t === 'number') this.clock.observeRoundTrip(sentAt, receivedAt, t);
  }

  /** Ready after the first successful publish, once. */
  protected announceReady(detail: string): void {
    if (this.announced) return;
    this.announced = true;
    this.base.onReady?.(true, detail);
  }

  /**
   * The stream side for `mode` (none for rest). In ws mode readiness follows the streams; in auto
   * mode the REST loops cover an outage, so readiness stays with the first data of either path.
   * `repair` is one REST snapshot of the product, run after a lost connection.
   */
  protected createFeeds(
    mode: CaptureMode,
    config: BinanceStreamConfig,
    product: string,
    repair: (signal: AbortSignal) => Promise<void>,
  ): StreamFeeds | undefined {
    this.mode = mode;
    if (mode === 'rest') return undefined;
    this.feeds = new StreamFeeds({
      config,
      product,
      repair,
      logger: this.base.logger,
      metrics: this.base.metrics,
      gaps: this.gaps,
      now: this.now,
      clock: this.clock,
      onStateChange: (up) => {
        if (mode !== 'ws') return;
        if (up && !this.announced) this.announceReady('streams up');
        else this.base.onReady?.(up, up ? 'streams up' : 'streams down, no REST fallback in ws mode');
      },
    });
    return this.feeds;
  }

  /**
   * Share of the weight limit for the REST loops streams do not replace (klines, open interest):
   * `restShare` when REST carries the tickers too, a fixed small one when streams do, so the
   * whole capture stays under 5 % of its budget (STREAM_MODE_REST_SHARE split among the loops).
   */
  protected sideLoopShare(restShare: number, loops = 1): number {
    return this.mode === 'rest' ? restShare : STREAM_MODE_REST_SHARE / loops;
  }

  /** A KeyedThrottle for stream updates that stops with the capture. */
  protected throttle<T>(intervalMs: number, emit: (values: T[]) => void): KeyedThrottle<T> {
    const t = new KeyedThrottle<T>(intervalMs, emit);
    this.gates.push(t);
    return t;
  }

  /** A Batcher for stream records that must all go out (closed candles); stops with the capture. */
  protected batcher<T>(emit: (values: T[]) => void): Batcher<T> {
    const b = new Batcher<T>(emit);
    this.gates.push(b);
    return b;
  }

  /** Keeps a stream mapper's rejections for the next publishStreamed. */
  protected keepRejected(rejected: readonly Rejection[]): void {
    if (rejected.length > 0) this.streamRejected.push(...rejected);
  }

  /**
   * Publishes records built from the streams, with the rejections kept since the last call (those
   * `relevant` accepts); ready after the first records. A failed send is logged, not retried: the
   * next update of each symbol goes out on its own. Returns whether the records were sent.
   */
  protected async publishStreamed<T extends TopicName>(
    topic: T,
    records: TopicValues[T][],
    options: PublishOptions<T>,
    readyDetail: string,
    relevant: (r: Rejection) => boolean = () => true,
  ): Promise<boolean> {
    const rejected = this.streamRejected.filter(relevant);
    this.streamRejected = [];
    try {
      await this.publisher.publish(topic, { records, rejected }, options);
      if (records.length > 0) this.announceReady(readyDetail);
      return true;
    } catch (err) {
      this.base.logger.warn(
        { err: (err as Error).message, topic, records: records.length },
        'publishing streamed records failed',
      );
      return false;
    }
  }

  /** Whether a loop that streams replace polls REST now: always in rest mode, while streams are down in auto, never in ws. */
  protected restNeeded(): boolean {
    if (this.mode === 'rest') return true;
    if (this.mode === 'ws') return false;
    return !(this.feeds?.isUp() ?? false);
  }

  /** The configured symbols that exist, or all of them for ALL; unknown ones are logged, not fatal. */
  protected selectWanted(wanted: readonly string[], available: Iterable<string>, what: string): string[] {
    const all = [...available].sort();
    if (wanted.includes('ALL')) return all;
    const known = new Set(all);
    const missing = wanted.filter((s) => !known.has(s));
    if (missing.length > 0)
      this.base.logger.error({ missing }, `configured ${what} are not TRADING on Binance; skipping them`);
    return wanted.filter((s) => known.has(s));
  }

  /** The interval each loop keeps now, ms (stretched by the budget when it must). */
  cadences(): Record<string, number> {
    return Object.fromEntries(this.loops.map(({ name, poller }) => [name, poller.intervalMs]));
  }

  async stop(): Promise<void> {
    for (const g of this.gates) g.stop();
    await Promise.all([...this.loops.map(({ poller }) => poller.stop()), this.feeds?.stop()]);
    // Gaps reported while stopping still go out if Kafka takes them soon; an absent broker must not hold up the shutdown.
    if (this.gaps.pending > 0) {
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)));
      await Promise.race([this.gaps.flush(), giveUp]);
      clearTimeout(timer);
    }
    this.gaps.stop();
  }
}

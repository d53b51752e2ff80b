import type { Bus } from '@marketpipe/bus';
import type { Logger } from '@marketpipe/runtime';
import type { Registry } from 'prom-client';
import { Poller, type PollerOptions } from '../poll/poller';
import type { BinanceRestClient } from '../rest/client';
import { CapturePublisher } from './publisher';
import { retryUntilDone } from './tasks';

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

/**
 * The shape the three captures share: load the instrument table (retrying through outages and
 * bans), run named polling loops on the product's budget, publish through one CapturePublisher,
 * report ready after the first publish, stop every loop on shutdown.
 */
export abstract class CaptureBase {
  protected readonly publisher: CapturePublisher;
  protected readonly now: () => number;
  private readonly loops: { name: string; poller: Poller }[] = [];
  private announced = false;

  constructor(private readonly base: CaptureBaseDeps) {
    this.now = base.now ?? Date.now;
    this.publisher = new CapturePublisher(base.bus, base.logger, base.metrics, (endpoint, n) =>
      base.client.countRejected(endpoint, n),
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

  protected startLoops(signal: AbortSignal): void {
    for (const { poller } of this.loops) poller.start(signal);
  }

  /** Ready after the first successful publish, once. */
  protected announceReady(detail: string): void {
    if (this.announced) return;
    this.announced = true;
    this.base.onReady?.(true, detail);
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
    await Promise.all(this.loops.map(({ poller }) => poller.stop()));
  }
}

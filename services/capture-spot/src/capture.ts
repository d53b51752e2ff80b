import type { Bus } from '@marketpipe/bus';
import {
  budgetedIntervalMs,
  CapturePublisher,
  Poller,
  requestWeight,
  retryUntilDone,
  runConcurrently,
  type BinanceRestClient,
} from '@marketpipe/binance';
import { TOPICS } from '@marketpipe/contracts';
import type { Logger } from '@marketpipe/runtime';
import type { Registry } from 'prom-client';
import type { CaptureSpotConfig, KlineSeries } from './config';
import { mapSpotExchangeInfo, mapSpotKlines, mapSpotTickers, type SpotInstrument } from './map';

export const SPOT_SOURCE = 'binance.spot.rest';

/** Above this many symbols one all-symbols request (weight 80) is cheaper than `symbols=[…]` pages. */
const MAX_SYMBOLS_PARAM = 100;
const KLINE_PAGE = 1000;
const KLINE_WORKERS = 4;

export interface SpotCaptureDeps {
  client: BinanceRestClient;
  bus: Bus;
  logger: Logger;
  metrics: Registry;
  config: Pick<
    CaptureSpotConfig,
    | 'SPOT_SYMBOLS'
    | 'SPOT_TICKER_INTERVAL_MS'
    | 'SPOT_KLINES'
    | 'SPOT_EXCHANGE_INFO_REFRESH_MS'
    | 'BINANCE_WEIGHT_SHARE'
  >;
  /** Readiness: true once the symbol table is loaded and the first tickers are out. */
  onReady?: (ready: boolean, detail: string) => void;
  now?: () => number;
}

/**
 * The spot capture: exchangeInfo → symbol table and rate limits; a kline backfill so analytics have
 * history at once; then three loops on one weight budget — 24h tickers (bid/ask included) at the
 * configured cadence, each newly closed candle of every kline series, and a slow exchangeInfo
 * refresh.
 */
export class SpotCapture {
  private readonly publisher: CapturePublisher;
  private readonly now: () => number;
  private instruments: ReadonlyMap<string, SpotInstrument> = new Map();
  private symbols: string[] = [];
  /** Open time of the newest closed candle published, per `symbol interval`. */
  private readonly lastCandle = new Map<string, number>();
  /** When each `symbol interval` was last fetched, to spread sweeps over the budget. */
  private readonly lastFetch = new Map<string, number>();
  private readonly pollers: Poller[] = [];
  private tickersOut = false;

  constructor(private readonly deps: SpotCaptureDeps) {
    this.now = deps.now ?? Date.now;
    this.publisher = new CapturePublisher(deps.bus, deps.logger, deps.metrics, (endpoint, n) =>
      deps.client.countRejected(endpoint, n),
    );
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, logger, client } = this.deps;
    this.deps.onReady?.(false, 'loading exchangeInfo');
    await retryUntilDone(
      'spot exchangeInfo',
      () => this.loadExchangeInfo(signal),
      signal,
      logger,
      (m) => this.deps.onReady?.(false, `exchangeInfo: ${m}`),
    );
    logger.info({ symbols: this.symbols.length }, 'spot symbol table loaded');
    await this.backfill(signal);
    const share = config.BINANCE_WEIGHT_SHARE;
    this.pollers.push(
      new Poller({
        name: 'spot-tickers',
        intervalMs: config.SPOT_TICKER_INTERVAL_MS,
        logger,
        budget: client.budget,
        budgetShare: share * 0.7,
        weightPerRun: () => requestWeight('spot', 'ticker/24hr', this.tickerParams()),
        run: (s) => this.pollTickers(s),
      }),
      new Poller({
        name: 'spot-klines',
        intervalMs: 5_000,
        logger,
        run: (s) => this.pollKlines(s),
      }),
      new Poller({
        name: 'spot-exchange-info',
        intervalMs: config.SPOT_EXCHANGE_INFO_REFRESH_MS,
        logger,
        run: (s) => this.loadExchangeInfo(s),
      }),
    );
    for (const poller of this.pollers) poller.start(signal);
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
  }

  /** Cadences the loops keep now (the bench reads them). */
  cadences(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(
      this.pollers.map((p, i) => [['tickers', 'klines', 'exchangeInfo'][i] ?? String(i), p.intervalMs]),
    );
    for (const series of this.deps.config.SPOT_KLINES) out[`klineSweep ${series.interval}`] = this.klineSweepMs(series);
    return out;
  }

  private async loadExchangeInfo(signal: AbortSignal): Promise<void> {
    const raw = await this.deps.client.get('exchangeInfo', {}, signal);
    const info = mapSpotExchangeInfo(raw, { captureTime: this.now(), source: SPOT_SOURCE });
    this.deps.client.applyRateLimits(info.rateLimits);
    this.instruments = info.instruments;
    const wanted = this.deps.config.SPOT_SYMBOLS;
    if (wanted.includes('ALL')) {
      this.symbols = [...info.instruments.keys()].sort();
    } else {
      const missing = wanted.filter((s) => !info.instruments.has(s));
      if (missing.length > 0)
        this.deps.logger.error({ missing }, 'configured spot symbols are not TRADING on Binance; skipping them');
      this.symbols = wanted.filter((s) => info.instruments.has(s));
    }
  }

  private tickerParams(): { symbols?: string[] } {
    return this.symbols.length <= MAX_SYMBOLS_PARAM ? { symbols: this.symbols } : {};
  }

  private async pollTickers(signal: AbortSignal): Promise<void> {
    if (this.symbols.length === 0) return;
    const raw = await this.deps.client.get('ticker/24hr', this.tickerParams(), signal);
    const mapped = mapSpotTickers(raw, { captureTime: this.now(), source: SPOT_SOURCE });
    if (this.symbols.length > MAX_SYMBOLS_PARAM || this.deps.config.SPOT_SYMBOLS.includes('ALL')) {
      // The all-symbols answer includes HALT/BREAK symbols and ones not asked for.
      const wanted = this.instruments;
      mapped.records = mapped.records.filter((r) => wanted.has(r.symbol));
    }
    await this.publisher.publish(TOPICS.spotTicker, mapped, { keyOf: (r) => r.symbol });
    if (!this.tickersOut) {
      this.tickersOut = true;
      this.deps.onReady?.(true, `${this.symbols.length} symbols`);
    }
  }

  private async backfill(signal: AbortSignal): Promise<void> {
    const jobs: (() => Promise<void>)[] = [];
    for (const series of this.deps.config.SPOT_KLINES) {
      if (series.backfill === 0) continue;
      const from = this.alignedNow(series) - series.backfill * series.intervalMs;
      for (const symbol of this.symbols) jobs.push(() => this.fetchCandles(symbol, series, from, signal));
    }
    const started = Date.now();
    await this.runJobs(jobs, signal);
    this.deps.logger.info({ requests: jobs.length, ms: Date.now() - started }, 'kline backfill done');
  }

  private alignedNow(series: KlineSeries): number {
    const now = this.now();
    return now - (now % series.intervalMs);
  }

  /**
   * How long a series may go between fetches: its interval while the budget allows one request
   * per symbol per interval, longer at large universes (2,000 symbols of 1m candles would take 4,000
   * of spot's 6,000 weight a minute). A later fetch simply returns several candles at once.
   */
  klineSweepMs(series: KlineSeries): number {
    const snap = this.deps.client.budget.snapshot();
    const sweepWeight = this.symbols.length * requestWeight('spot', 'klines');
    const share = (this.deps.config.BINANCE_WEIGHT_SHARE * 0.25) / this.deps.config.SPOT_KLINES.length;
    return budgetedIntervalMs(series.intervalMs, sweepWeight, snap.limit, snap.intervalMs, share);
  }

  private async pollKlines(signal: AbortSignal): Promise<void> {
    const now = this.now();
    const jobs: (() => Promise<void>)[] = [];
    for (const series of this.deps.config.SPOT_KLINES) {
      const sweepMs = this.klineSweepMs(series);
      for (const symbol of this.symbols) {
        const key = `${symbol} ${series.interval}`;
        const last = this.lastCandle.get(key);
        const nextOpen = last === undefined ? this.alignedNow(series) - series.intervalMs : last + series.intervalMs;
        // Due once the candle after the last published one has closed, and the sweep allows it.
        if (now < nextOpen + series.intervalMs || now - (this.lastFetch.get(key) ?? 0) < sweepMs) continue;
        this.lastFetch.set(key, now);
        jobs.push(() => this.fetchCandles(symbol, series, nextOpen, signal));
      }
    }
    await this.runJobs(jobs, signal);
  }

  /** Fetches closed candles from `from` on, page by page, publishing each page. */
  private async fetchCandles(symbol: string, series: KlineSeries, from: number, signal: AbortSignal): Promise<void> {
    let startTime = from;
    for (;;) {
      const raw = await this.deps.client.get(
        'klines',
        { symbol, interval: series.interval, startTime, limit: KLINE_PAGE },
        signal,
      );
      const captureTime = this.now();
      const mapped = mapSpotKlines(raw, {
        captureTime,
        source: SPOT_SOURCE,
        symbol,
        interval: series.interval,
        closedBefore: captureTime,
      });
      await this.publisher.publish(TOPICS.spotKline, mapped, {
        keyOf: (r) => r.symbol,
        seriesOf: (r) => `${r.symbol} ${r.interval}`,
      });
      const newest = mapped.records.at(-1);
      if (newest !== undefined) {
        const key = `${symbol} ${series.interval}`;
        if (newest.openTime > (this.lastCandle.get(key) ?? 0)) this.lastCandle.set(key, newest.openTime);
      }
      if (newest === undefined || mapped.records.length + mapped.rejected.length < KLINE_PAGE - 1) return;
      startTime = newest.openTime + series.intervalMs;
    }
  }

  private async runJobs(jobs: readonly (() => Promise<void>)[], signal: AbortSignal): Promise<void> {
    const failures = await runConcurrently(jobs, KLINE_WORKERS, signal);
    if (failures.length > 0) {
      const first = failures[0];
      this.deps.logger.warn(
        { failed: failures.length, of: jobs.length, err: first instanceof Error ? first.message : String(first) },
        'kline requests failed; they are retried on the next poll',
      );
    }
  }
}

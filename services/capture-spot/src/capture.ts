import {
  type Batcher,
  budgetedIntervalMs,
  CaptureBase,
  type KeyedThrottle,
  type PublishOptions,
  requestWeight,
  runConcurrently,
  type CaptureBaseDeps,
  type StreamClient,
} from '@marketpipe/binance';
import { randomUUID } from 'node:crypto';
import { readRetained } from '@marketpipe/bus';
import { klineTopic, TOPICS, type SpotKline, type SpotTicker } from '@marketpipe/contracts';
import type { CaptureSpotConfig, KlineSeries } from './config';
import {
  mapSpotExchangeInfo,
  mapSpotKlines,
  mapSpotStreamKline,
  mapSpotStreamTicker,
  mapSpotTickers,
  SPOT_WS_SOURCE,
} from './map';

export const SPOT_SOURCE = 'binance.spot.rest';

/** Above this many symbols one all-symbols request (weight 80) is cheaper than `symbols=[…]` pages. */
const MAX_SYMBOLS_PARAM = 100;
const KLINE_PAGE = 1000;
const KLINE_WORKERS = 4;
/**
 * With kline streams, how long after a candle closes REST leaves it to the stream: Binance pushes
 * the closed candle within its 2 s cadence, so a candle still missing after this was lost (a
 * reconnect, a dropped frame) and REST fetches it.
 */
const KLINE_STREAM_GRACE_MS = 10_000;

/** One kline series: a symbol's candles of one interval. */
const seriesKey = (symbol: string, interval: string): string => `${symbol} ${interval}`;

type KlineTopic = ReturnType<typeof klineTopic>;

/** Candles are keyed by symbol and never move backwards within their series. */
const KLINE_PUBLISH: PublishOptions<KlineTopic> = {
  keyOf: (r) => r.symbol,
  seriesOf: (r) => seriesKey(r.symbol, r.interval),
};

/**
 * Candles that fill a hole before the newest one a topic holds of a series: published in order
 * within the hole, as a series of their own (the newer candles went out first).
 */
function holePublish(start: number): PublishOptions<KlineTopic> {
  return { keyOf: (r) => r.symbol, seriesOf: (r) => `${seriesKey(r.symbol, r.interval)} hole ${start}` };
}

/**
 * What the topics held of a series within its backfill at start: one bit per candle slot from the
 * backfill's start, and the newest candle.
 */
interface HeldSeries {
  series: KlineSeries;
  slots: Uint8Array;
  newest: SpotKline;
}

/** The runs [start, end) of unset slots below `limit`. */
export function missingRuns(slots: Uint8Array, limit: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i < limit; i++) {
    if (slots[i] === 1) {
      if (start >= 0) runs.push([start, i]);
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) runs.push([start, limit]);
  return runs;
}

export interface SpotCaptureDeps extends CaptureBaseDeps {
  config: Pick<
    CaptureSpotConfig,
    | 'SPOT_SYMBOLS'
    | 'SPOT_TICKER_INTERVAL_MS'
    | 'SPOT_KLINES'
    | 'SPOT_EXCHANGE_INFO_REFRESH_MS'
    | 'BINANCE_WEIGHT_SHARE'
    | 'BINANCE_SPOT_WS_URL'
    | 'CAPTURE_MODE'
    | 'STREAM_CONFLATE_MS'
    | 'STREAM_SILENCE_MS'
    | 'STREAM_LIFETIME_MS'
  >;
}

/**
 * The spot capture: exchangeInfo → symbol table and rate limits; a kline backfill so analytics have
 * history at once; then three loops on one weight budget — 24h tickers (bid/ask included) at the
 * configured cadence, each newly closed candle of every kline series, and a slow exchangeInfo
 * refresh. With streams (CAPTURE_MODE ws|auto) tickers and closed candles come from
 * `<symbol>@ticker` and `<symbol>@kline_<interval>`; the kline loop then only fetches candles the
 * streams did not deliver.
 */
export class SpotCapture extends CaptureBase {
  private symbols: string[] = [];
  private wanted: ReadonlySet<string> = new Set();
  /** Open time of the newest closed candle published, per `symbol interval`. */
  private readonly lastCandle = new Map<string, number>();
  /** When each `symbol interval` was last fetched, to spread sweeps over the budget. */
  private readonly lastFetch = new Map<string, number>();
  private stream: StreamClient | undefined;
  private tickers: KeyedThrottle<SpotTicker> | undefined;
  private klineStream: StreamClient | undefined;
  private klines: Batcher<SpotKline> | undefined;
  /** When the kline streams were started: with streams, no candle closed before is fetched over REST. */
  private klineStreamsSince: number | undefined;
  /** Series being fetched over REST after a gap in their stream. */
  private readonly repairing = new Set<string>();
  private signal: AbortSignal | undefined;

  constructor(private readonly deps: SpotCaptureDeps) {
    // Candles Kafka did not take, or a stream did not deliver, are fetched again by the kline loop.
    super(deps, { product: 'SPOT', service: 'capture-spot', refetched: (t) => t !== TOPICS.spotTicker });
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, logger, client } = this.deps;
    this.signal = signal;
    await this.loadUntilDone('spot exchangeInfo', () => this.loadExchangeInfo(signal), signal);
    logger.info({ symbols: this.symbols.length }, 'spot symbol table loaded');
    await this.backfill(await this.resumeKlineSeries(signal), signal);
    this.startStreams(signal);
    if (config.CAPTURE_MODE !== 'ws') {
      this.addLoop('tickers', {
        intervalMs: config.SPOT_TICKER_INTERVAL_MS,
        budget: client.budget,
        budgetShare: config.BINANCE_WEIGHT_SHARE * 0.7,
        weightPerRun: () => requestWeight('spot', 'ticker/24hr', this.tickerParams()),
        run: (s) => (this.restNeeded() ? this.pollTickers(s) : Promise.resolve()),
      });
    }
    this.addLoop('klines', { intervalMs: 5_000, run: (s) => this.pollKlines(s) });
    this.addLoop('exchangeInfo', {
      intervalMs: config.SPOT_EXCHANGE_INFO_REFRESH_MS,
      run: (s) => this.loadExchangeInfo(s),
    });
    this.startLoops(signal);
  }

  /**
   * `<symbol>@ticker` for every wanted symbol (bid/ask included, zero weight), throttled to one
   * record per symbol per STREAM_CONFLATE_MS; a lost connection is repaired with one REST poll.
   */
  private startStreams(signal: AbortSignal): void {
    const { config } = this.deps;
    const feeds = this.createFeeds(config.CAPTURE_MODE, config, 'spot', (s) => this.pollTickers(s));
    if (feeds === undefined) return;
    this.tickers = this.throttle<SpotTicker>(
      config.STREAM_CONFLATE_MS,
      (records) =>
        void this.publishStreamed(
          TOPICS.spotTicker,
          records,
          { keyOf: (r) => r.symbol },
          `${this.symbols.length} symbols (streams)`,
        ),
    );
    this.stream = feeds.add({
      product: 'spot',
      baseUrl: config.BINANCE_SPOT_WS_URL,
      path: '',
      topics: [TOPICS.spotTicker],
      streams: this.tickerStreams(),
      onMessage: (_stream, data, receivedAt) => this.onTicker(data, receivedAt),
    });
    if (config.SPOT_KLINES.length > 0) {
      // Every closed candle counts, so they are batched, never conflated.
      this.klines = this.batcher<SpotKline>((records) => void this.publishStreamedKlines(records));
      this.klineStream = feeds.add({
        product: 'spot',
        name: 'spot-klines',
        baseUrl: config.BINANCE_SPOT_WS_URL,
        path: '',
        topics: [...new Set(config.SPOT_KLINES.map((k) => klineTopic(k.intervalMs)))],
        streams: this.klineStreams(),
        onMessage: (_stream, data, receivedAt) => this.onKline(data, receivedAt),
      });
      this.klineStreamsSince = this.clock.exchangeTime();
    }
    feeds.start(signal);
  }

  private tickerStreams(): string[] {
    return this.symbols.map((s) => `${s.toLowerCase()}@ticker`);
  }

  private klineStreams(): string[] {
    const names: string[] = [];
    for (const series of this.deps.config.SPOT_KLINES)
      for (const s of this.symbols) names.push(`${s.toLowerCase()}@kline_${series.interval}`);
    return names;
  }

  private onKline(data: unknown, receivedAt: number): void {
    const mapped = mapSpotStreamKline(data, { captureTime: receivedAt, source: SPOT_WS_SOURCE });
    this.keepRejected(mapped.rejected);
    for (const r of mapped.records) if (this.wanted.has(r.symbol)) this.klines?.push(r);
  }

  /**
   * Publishes streamed closed candles that continue their series; a candle after a gap (a lost
   * frame, a reconnect) is not published from the stream but fetched with the gap over REST, in
   * order: a series must never skip a candle, and once a newer candle is out an older one would be
   * refused as not newer.
   */
  private async publishStreamedKlines(records: SpotKline[]): Promise<void> {
    const next = new Map<string, number>();
    const inOrder = new Map<KlineTopic, SpotKline[]>();
    for (const r of records) {
      const series = this.deps.config.SPOT_KLINES.find((k) => k.interval === r.interval);
      if (series === undefined) continue;
      const key = seriesKey(r.symbol, r.interval);
      const expected = next.get(key) ?? this.nextOpen(key, series);
      if (r.openTime < expected) continue; // REST had it first
      if (r.openTime === expected && !this.repairing.has(key)) {
        const topic = klineTopic(series.intervalMs);
        const list = inOrder.get(topic);
        if (list === undefined) inOrder.set(topic, [r]);
        else list.push(r);
        next.set(key, r.openTime + series.intervalMs);
      } else {
        this.repairCandles(r.symbol, series, expected);
      }
    }
    for (const [topic, candles] of inOrder) {
      const sent = await this.publishStreamed(
        topic,
        candles,
        KLINE_PUBLISH,
        `${this.symbols.length} symbols (streams)`,
      );
      // Only candles Kafka took count as had: a failed send leaves them to the REST loop.
      if (sent) for (const r of candles) this.noteCandle(seriesKey(r.symbol, r.interval), r.openTime);
    }
  }

  /** Fetches a series from `from` on over REST, once at a time per series. */
  private repairCandles(symbol: string, series: KlineSeries, from: number): void {
    const key = seriesKey(symbol, series.interval);
    const signal = this.signal;
    if (this.repairing.has(key) || signal === undefined || signal.aborted) return;
    this.repairing.add(key);
    void this.runJobs([() => this.fetchCandles(symbol, series, from, signal)], signal).finally(() =>
      this.repairing.delete(key),
    );
  }

  /** Open time of the candle a series needs next. */
  private nextOpen(key: string, series: KlineSeries): number {
    const last = this.lastCandle.get(key);
    return last === undefined ? this.firstOpen(series) : last + series.intervalMs;
  }

  /**
   * Where a series without a published candle starts: REST alone takes the last closed candle;
   * with streams, the candle open when they started (no history beyond the backfill is promised,
   * and fetching every symbol's last candle at once would spend minutes of weight at start).
   */
  private firstOpen(series: KlineSeries): number {
    const since = this.klineStreamsSince;
    return since === undefined ? this.alignedNow(series) - series.intervalMs : since - (since % series.intervalMs);
  }

  private noteCandle(key: string, openTime: number): void {
    if (openTime > (this.lastCandle.get(key) ?? 0)) this.lastCandle.set(key, openTime);
  }

  private onTicker(data: unknown, receivedAt: number): void {
    const mapped = mapSpotStreamTicker(data, { captureTime: receivedAt, source: SPOT_WS_SOURCE });
    this.keepRejected(mapped.rejected);
    for (const r of mapped.records) if (this.wanted.has(r.symbol)) this.tickers?.offer(r.symbol, r);
  }

  /** Cadences the loops keep now, and how far apart each kline series' sweeps are (the bench reads them). */
  override cadences(): Record<string, number> {
    const out = super.cadences();
    for (const series of this.deps.config.SPOT_KLINES) out[`klineSweep ${series.interval}`] = this.klineSweepMs(series);
    return out;
  }

  private async loadExchangeInfo(signal: AbortSignal): Promise<void> {
    const sentAt = this.now();
    const raw = await this.deps.client.get('exchangeInfo', {}, signal);
    this.observeServerTime(sentAt, this.now(), raw);
    const info = mapSpotExchangeInfo(raw, { captureTime: this.now(), source: SPOT_SOURCE });
    this.deps.client.applyRateLimits(info.rateLimits);
    this.symbols = this.selectWanted(this.deps.config.SPOT_SYMBOLS, info.instruments.keys(), 'spot symbols');
    this.wanted = new Set(this.symbols);
    this.stream?.setStreams(this.tickerStreams());
    this.klineStream?.setStreams(this.klineStreams());
  }

  private tickerParams(): { symbols?: string[] } {
    return this.symbols.length <= MAX_SYMBOLS_PARAM ? { symbols: this.symbols } : {};
  }

  private async pollTickers(signal: AbortSignal): Promise<void> {
    if (this.symbols.length === 0) return;
    // Binance answers with the state as of when it took the request, which the answer does not say.
    const observedAt = this.clock.earliestExchangeTime(this.now());
    const raw = await this.deps.client.get('ticker/24hr', this.tickerParams(), signal);
    const mapped = mapSpotTickers(raw, { captureTime: this.now(), source: SPOT_SOURCE, observedAt });
    if (this.symbols.length > MAX_SYMBOLS_PARAM) {
      // The all-symbols answer includes HALT/BREAK symbols and ones not asked for.
      const wanted = this.wanted;
      mapped.records = mapped.records.filter((r) => wanted.has(r.symbol));
      mapped.rejected = mapped.rejected.filter((r) => r.symbol === null || wanted.has(r.symbol));
    }
    await this.publisher.publish(TOPICS.spotTicker, mapped, { keyOf: (r) => r.symbol });
    this.announceReady(`${this.symbols.length} symbols`);
  }

  /**
   * What the topics already hold of each kline series within its backfill depth — which candle
   * slots, and the newest candle — so a restart (or a second capture-spot) fetches only the holes
   * and what came after the newest, and publishes no candle twice.
   */
  private async resumeKlineSeries(signal: AbortSignal): Promise<Map<string, HeldSeries>> {
    const held = new Map<string, HeldSeries>();
    const all = this.deps.config.SPOT_KLINES.filter((s) => s.backfill > 0);
    const lookbackMs: Partial<Record<KlineTopic, number>> = {};
    for (const s of all) {
      const topic = klineTopic(s.intervalMs);
      // Broker time: a candle is published at most a poll cadence after its close.
      lookbackMs[topic] = Math.max(lookbackMs[topic] ?? 0, (s.backfill + 1) * s.intervalMs + 60_000);
    }
    const topics = Object.keys(lookbackMs) as KlineTopic[];
    if (topics.length === 0) return held;
    const byInterval = new Map<string, KlineSeries>(all.map((s) => [s.interval, s]));
    const started = Date.now();
    await readRetained(this.deps.bus, {
      // A group of its own each time: two capture-spots starting together must each read it all.
      groupId: `capture-spot-resume-${randomUUID()}`,
      topics,
      lookbackMs,
      signal,
      handler: (m) => {
        if (m.topic !== TOPICS.spotKline && m.topic !== TOPICS.spotKlineLong) return;
        const k = m.value;
        const series = byInterval.get(k.interval);
        if (series === undefined) return;
        const slot = (k.openTime - this.backfillStart(series)) / series.intervalMs;
        if (!Number.isInteger(slot) || slot < 0 || slot >= series.backfill) return;
        const key = seriesKey(k.symbol, k.interval);
        let h = held.get(key);
        if (h === undefined) {
          h = { series, slots: new Uint8Array(series.backfill), newest: k };
          held.set(key, h);
        }
        h.slots[slot] = 1;
        if (k.openTime > h.newest.openTime) h.newest = k;
      },
    });
    for (const [key, { series, newest }] of held) {
      this.noteCandle(key, newest.openTime);
      this.publisher.resume(klineTopic(series.intervalMs), key, newest.eventTime);
    }
    this.deps.logger.info({ series: held.size, ms: Date.now() - started }, 'kline series resumed from their topics');
    return held;
  }

  /** Open time of the oldest candle a series' backfill covers. */
  private backfillStart(series: KlineSeries): number {
    return this.alignedNow(series) - series.backfill * series.intervalMs;
  }

  /** Fetches each series' backfill, less what `held` says its topic already has. */
  private async backfill(held: ReadonlyMap<string, HeldSeries>, signal: AbortSignal): Promise<void> {
    const jobs: (() => Promise<void>)[] = [];
    for (const series of this.deps.config.SPOT_KLINES) {
      if (series.backfill === 0) continue;
      const from = this.backfillStart(series);
      const current = this.alignedNow(series);
      for (const symbol of this.symbols) {
        const h = held.get(seriesKey(symbol, series.interval));
        if (h === undefined) {
          jobs.push(() => this.fetchCandles(symbol, series, from, signal));
          continue;
        }
        // Holes before the newest candle (a deeper backfill than the last run's, or one after an
        // outage longer than it): each fetched and published in order as a series of its own,
        // since newer candles went out first.
        for (const [start, end] of missingRuns(h.slots, (h.newest.openTime - from) / series.intervalMs)) {
          const open = from + start * series.intervalMs;
          const before = from + end * series.intervalMs;
          jobs.push(() => this.fetchCandles(symbol, series, open, signal, before, holePublish(open)));
        }
        const next = h.newest.openTime + series.intervalMs;
        if (next < current) jobs.push(() => this.fetchCandles(symbol, series, next, signal));
      }
    }
    const started = Date.now();
    await this.runJobs(jobs, signal);
    this.deps.logger.info({ requests: jobs.length, ms: Date.now() - started }, 'kline backfill done');
  }

  /** The open of the candle under way on the exchange now. */
  private alignedNow(series: KlineSeries): number {
    const now = this.clock.exchangeTime();
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
    const count = this.deps.config.SPOT_KLINES.length;
    const share = this.sideLoopShare((this.deps.config.BINANCE_WEIGHT_SHARE * 0.25) / count, count);
    return budgetedIntervalMs(series.intervalMs, sweepWeight, snap.limit, snap.intervalMs, share);
  }

  private async pollKlines(signal: AbortSignal): Promise<void> {
    const now = this.clock.earliestExchangeTime();
    // With kline streams a candle is REST's only once the stream had time to deliver it.
    const grace = this.klineStreamsSince === undefined ? 0 : KLINE_STREAM_GRACE_MS;
    const jobs: (() => Promise<void>)[] = [];
    for (const series of this.deps.config.SPOT_KLINES) {
      const sweepMs = this.klineSweepMs(series);
      for (const symbol of this.symbols) {
        const key = seriesKey(symbol, series.interval);
        if (this.repairing.has(key)) continue;
        const nextOpen = this.nextOpen(key, series);
        // Due once the candle after the last published one has closed, and the sweep allows it.
        if (now < nextOpen + series.intervalMs + grace || now - (this.lastFetch.get(key) ?? 0) < sweepMs) continue;
        this.lastFetch.set(key, now);
        jobs.push(() => this.fetchCandles(symbol, series, nextOpen, signal));
      }
    }
    await this.runJobs(jobs, signal);
  }

  /** Fetches closed candles from `from` on, page by page, publishing each page. */
  private async fetchCandles(
    symbol: string,
    series: KlineSeries,
    from: number,
    signal: AbortSignal,
    before = Infinity,
    publish: PublishOptions<KlineTopic> = KLINE_PUBLISH,
  ): Promise<void> {
    let startTime = from;
    for (;;) {
      const sentAt = this.now();
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
        // Closed only if closed on the exchange's clock when the request left, at the earliest:
        // a local clock ahead of Binance must not publish an open candle as final.
        closedBefore: this.clock.earliestExchangeTime(sentAt),
      });
      if (before < Infinity) mapped.records = mapped.records.filter((r) => r.openTime < before);
      await this.publisher.publish(klineTopic(series.intervalMs), mapped, publish);
      const newest = mapped.records.at(-1);
      if (before < Infinity) {
        if (newest === undefined || newest.openTime + series.intervalMs >= before) return;
        startTime = newest.openTime + series.intervalMs;
        continue;
      }
      if (newest !== undefined) this.noteCandle(seriesKey(symbol, series.interval), newest.openTime);
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

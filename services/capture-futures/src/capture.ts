import {
  CaptureBase,
  type KeyedThrottle,
  requestWeight,
  runConcurrently,
  type CaptureBaseDeps,
} from '@marketpipe/binance';
import { TOPICS } from '@marketpipe/contracts';
import type { CaptureFuturesConfig } from './config';
import {
  FUTURES_WS_SOURCE,
  FuturesStreamState,
  fundingIntervalTable,
  keepLatestOpenInterest,
  mapFuturesFundingInfo,
  mapFuturesPremiumIndex,
  mapFuturesStreamMark,
  mapFuturesStreamTicker,
  mapFuturesExchangeInfo,
  mapFuturesOpenInterest,
  mapFuturesTickers,
  type FundingTerms,
  type FuturesInstrument,
  type FuturesOpenInterest,
} from './map';

export const FUTURES_SOURCE = 'binance.futures.rest';
const OI_WORKERS = 4;

export interface FuturesCaptureDeps extends CaptureBaseDeps {
  config: Pick<
    CaptureFuturesConfig,
    | 'FUTURES_SYMBOLS'
    | 'FUTURES_TICKER_INTERVAL_MS'
    | 'FUTURES_OPEN_INTEREST_INTERVAL_MS'
    | 'FUTURES_EXCHANGE_INFO_REFRESH_MS'
    | 'FUTURES_FUNDING_INFO_REFRESH_MS'
    | 'BINANCE_WEIGHT_SHARE'
    | 'BINANCE_FUTURES_WS_URL'
    | 'CAPTURE_MODE'
    | 'STREAM_CONFLATE_MS'
    | 'STREAM_SILENCE_MS'
    | 'STREAM_LIFETIME_MS'
  >;
}

/**
 * The USD-M futures capture: 24h tickers and premiumIndex (mark, index, funding) merged per symbol
 * with the latest open interest, which is polled per symbol at its own slower, budgeted cadence.
 * For a handful of symbols per-symbol requests are cheaper than the all-symbols ones (1 + 1 weight
 * each against 40 + 10); the capture picks whichever weighs less.
 */
export class FuturesCapture extends CaptureBase {
  private instruments: ReadonlyMap<string, FuturesInstrument> = new Map();
  private symbols: string[] = [];
  private readonly openInterest = new Map<string, FuturesOpenInterest>();
  private readonly streamState = new FuturesStreamState();
  private fundingIntervals: ReadonlyMap<string, number> | null = null;
  private readonly interestRates = new Map<string, number>();
  private changed: KeyedThrottle<string> | undefined;

  constructor(private readonly deps: FuturesCaptureDeps) {
    super(deps, { product: 'FUTURES', service: 'capture-futures' });
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, logger, client } = this.deps;
    await this.loadUntilDone('futures exchangeInfo', () => this.loadExchangeInfo(signal), signal);
    logger.info({ symbols: this.symbols.length }, 'futures contract table loaded');
    // Before the first record, so none goes out without its interval when fundingInfo answers.
    await this.loadFundingTerms(signal).catch((err: unknown) =>
      logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'funding intervals not read; records carry fundingIntervalHours null until the next read',
      ),
    );
    const share = config.BINANCE_WEIGHT_SHARE;
    this.startStreams(signal);
    if (config.CAPTURE_MODE !== 'ws') {
      this.addLoop('tickers', {
        intervalMs: config.FUTURES_TICKER_INTERVAL_MS,
        budget: client.budget,
        // 0.7 + 0.25 of the share: a whole open-interest sweep (one request per contract, 504 at
        // the full universe) can land inside the same minute as a minute of tickers and stay under it.
        budgetShare: share * 0.7,
        weightPerRun: () => this.tickerWeight(),
        run: (s) => (this.restNeeded() ? this.pollTickers(s) : Promise.resolve()),
      });
    }
    this.addLoop('openInterest', {
      intervalMs: config.FUTURES_OPEN_INTEREST_INTERVAL_MS,
      budget: client.budget,
      budgetShare: this.sideLoopShare(share * 0.25),
      weightPerRun: () => this.symbols.length,
      run: (s) => this.pollOpenInterest(s),
    });
    this.addLoop('exchangeInfo', {
      intervalMs: config.FUTURES_EXCHANGE_INFO_REFRESH_MS,
      run: (s) => this.loadExchangeInfo(s),
    });
    this.addLoop('fundingInfo', {
      intervalMs: config.FUTURES_FUNDING_INFO_REFRESH_MS,
      run: (s) => this.loadFundingTerms(s),
    });
    // Open interest first, so the first tickers already carry it.
    await this.pollOpenInterest(signal).catch(() => undefined);
    this.startLoops(signal);
  }

  /**
   * `!ticker@arr` and `!markPrice@arr@1s` on /market (two streams for every contract, zero
   * weight), merged per symbol with the polled open interest and throttled to one record per
   * symbol per STREAM_CONFLATE_MS; a lost connection is repaired with one REST poll.
   */
  private startStreams(signal: AbortSignal): void {
    const { config } = this.deps;
    const feeds = this.createFeeds(config.CAPTURE_MODE, config, 'futures', (s) => this.pollTickers(s));
    if (feeds === undefined) return;
    this.changed = this.throttle<string>(config.STREAM_CONFLATE_MS, (symbols) => void this.publishMerged(symbols));
    feeds.add({
      product: 'futures',
      baseUrl: config.BINANCE_FUTURES_WS_URL,
      path: '/market',
      topics: [TOPICS.futuresTicker],
      streams: ['!ticker@arr', '!markPrice@arr@1s'],
      onMessage: (stream, data, receivedAt) => this.onStream(stream, data, receivedAt),
    });
    feeds.start(signal);
  }

  private onStream(stream: string, data: unknown, receivedAt: number): void {
    const ctx = { captureTime: receivedAt, source: FUTURES_WS_SOURCE };
    let changed: string[];
    if (stream === '!ticker@arr') {
      const mapped = mapFuturesStreamTicker(data, ctx);
      this.keepRejected(mapped.rejected);
      changed = this.streamState.updateTickers(mapped.records);
    } else {
      const mapped = mapFuturesStreamMark(data, ctx);
      this.keepRejected(mapped.rejected);
      changed = this.streamState.updateMarks(mapped.records);
    }
    const wanted = this.wantedInstruments();
    for (const symbol of changed) if (wanted.has(symbol)) this.changed?.offer(symbol, symbol);
  }

  private async publishMerged(symbols: string[]): Promise<void> {
    const ctx = {
      captureTime: this.now(),
      source: FUTURES_WS_SOURCE,
      instruments: this.wantedInstruments(),
      funding: this.fundingTerms(),
    };
    // Its rejections are contracts still waiting for their other stream: not errors of the feed.
    const { records } = this.streamState.records(symbols, ctx, this.openInterest);
    await this.publishStreamed(
      TOPICS.futuresTicker,
      records,
      { keyOf: (r) => r.symbol },
      `${this.symbols.length} contracts (streams)`,
    );
  }

  private async loadExchangeInfo(signal: AbortSignal): Promise<void> {
    const raw = await this.deps.client.get('exchangeInfo', {}, signal);
    const info = mapFuturesExchangeInfo(raw, { captureTime: this.now(), source: FUTURES_SOURCE });
    this.deps.client.applyRateLimits(info.rateLimits);
    this.instruments = info.instruments;
    this.symbols = this.selectWanted(this.deps.config.FUTURES_SYMBOLS, info.instruments.keys(), 'futures contracts');
  }

  /**
   * Funding intervals from fundingInfo (not weight-based; its own 500 requests / 5 min cap) and
   * the interest rates of all-symbols premiumIndex (weight 10), which the mark stream lacks. Hourly
   * is enough: Binance announces interval changes in advance and applies them at a funding time.
   */
  private async loadFundingTerms(signal: AbortSignal): Promise<void> {
    const { client, logger } = this.deps;
    const [rawInfo, rawPremium] = await Promise.all([
      client.get('fundingInfo', {}, signal),
      client.get('premiumIndex', {}, signal),
    ]);
    const info = mapFuturesFundingInfo(rawInfo);
    this.keepRejected(info.rejected);
    const premium = mapFuturesPremiumIndex(rawPremium, { captureTime: this.now(), source: FUTURES_SOURCE });
    this.keepRejected(premium.rejected);
    for (const p of premium.records) if (p.interestRate !== null) this.interestRates.set(p.symbol, p.interestRate);
    const table = fundingIntervalTable(info.records);
    if (this.fundingIntervals === null) logger.info({ listed: table.size }, 'funding intervals loaded');
    this.fundingIntervals = table;
  }

  private fundingTerms(): FundingTerms {
    return { intervalHours: this.fundingIntervals, interestRate: this.interestRates };
  }

  private perSymbol(): boolean {
    const perSymbolWeight = this.symbols.length * 2;
    return perSymbolWeight < requestWeight('futures', 'ticker/24hr') + requestWeight('futures', 'premiumIndex');
  }

  private tickerWeight(): number {
    return this.perSymbol() ? this.symbols.length * 2 : 50;
  }

  private async pollTickers(signal: AbortSignal): Promise<void> {
    if (this.symbols.length === 0) return;
    const { client } = this.deps;
    let rawTicker: unknown;
    let rawPremium: unknown;
    if (this.perSymbol()) {
      // Answers to `?symbol=` are single objects; gathered into arrays they read like the bulk bodies.
      const tickers: unknown[] = [];
      const premiums: unknown[] = [];
      await Promise.all(
        this.symbols.map(async (symbol) => {
          const [t, p] = await Promise.all([
            client.get('ticker/24hr', { symbol }, signal),
            client.get('premiumIndex', { symbol }, signal),
          ]);
          tickers.push(t);
          premiums.push(p);
        }),
      );
      rawTicker = tickers;
      rawPremium = premiums;
    } else {
      [rawTicker, rawPremium] = await Promise.all([
        client.get('ticker/24hr', {}, signal),
        client.get('premiumIndex', {}, signal),
      ]);
    }
    const ctx = {
      captureTime: this.now(),
      source: FUTURES_SOURCE,
      instruments: this.wantedInstruments(),
      funding: this.fundingTerms(),
    };
    const mapped = mapFuturesTickers(rawTicker, rawPremium, this.openInterest, ctx);
    for (const r of mapped.records) if (r.interestRate !== null) this.interestRates.set(r.symbol, r.interestRate);
    await this.publisher.publish(TOPICS.futuresTicker, mapped, { keyOf: (r) => r.symbol });
    this.announceReady(`${this.symbols.length} contracts`);
  }

  /** Only the configured contracts: bulk answers carry every contract, and those are not rejections. */
  private wantedInstruments(): ReadonlyMap<string, FuturesInstrument> {
    if (this.deps.config.FUTURES_SYMBOLS.includes('ALL')) return this.instruments;
    const out = new Map<string, FuturesInstrument>();
    for (const s of this.symbols) {
      const i = this.instruments.get(s);
      if (i !== undefined) out.set(s, i);
    }
    return out;
  }

  private async pollOpenInterest(signal: AbortSignal): Promise<void> {
    const jobs = this.symbols.map((symbol) => async () => {
      const raw = await this.deps.client.get('openInterest', { symbol }, signal);
      keepLatestOpenInterest(
        this.openInterest,
        mapFuturesOpenInterest(raw, { captureTime: this.now(), source: FUTURES_SOURCE }),
      );
    });
    const failures = await runConcurrently(jobs, OI_WORKERS, signal);
    if (failures.length > 0) {
      const first = failures[0];
      this.deps.logger.warn(
        { failed: failures.length, of: jobs.length, err: first instanceof Error ? first.message : String(first) },
        'open interest requests failed; last values are kept with their own time',
      );
    }
  }
}

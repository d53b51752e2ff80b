import {
  CaptureBase,
  type KeyedThrottle,
  runConcurrently,
  type CaptureBaseDeps,
  type StreamClient,
} from '@marketpipe/binance';
import { TOPICS, type OptionsChain } from '@marketpipe/contracts';
import type { CaptureOptionsConfig } from './config';
import {
  expirationOf,
  keepLatestOptionOpenInterest,
  mapOptionsStreamIndex,
  mapOptionsStreamMark,
  mapOptionsStreamOpenInterest,
  mapOptionsStreamTicker,
  OPTIONS_WS_SOURCE,
  OptionsChainState,
  mapOptionsChains,
  mapOptionsExchangeInfo,
  mapOptionsOpenInterest,
  openInterestQueries,
  type OptionInstrument,
  type OptionOpenInterest,
} from './map';

export const OPTIONS_SOURCE = 'binance.options.rest';
const OI_WORKERS = 4;

export interface OptionsCaptureDeps extends CaptureBaseDeps {
  config: Pick<
    CaptureOptionsConfig,
    | 'OPTIONS_UNDERLYINGS'
    | 'OPTIONS_CHAIN_INTERVAL_MS'
    | 'OPTIONS_OPEN_INTEREST_INTERVAL_MS'
    | 'OPTIONS_EXCHANGE_INFO_REFRESH_MS'
    | 'BINANCE_WEIGHT_SHARE'
    | 'BINANCE_OPTIONS_WS_URL'
    | 'CAPTURE_MODE'
    | 'STREAM_CONFLATE_MS'
    | 'STREAM_SILENCE_MS'
    | 'STREAM_LIFETIME_MS'
  >;
}

/**
 * The options capture: the contract list from exchangeInfo (refreshed every few minutes: strikes
 * and expiries come and go), then one OptionsChain per underlying assembled each cycle from the
 * all-symbols ticker and mark (IV, greeks) and the underlying's index, with open interest polled per
 * underlying and expiry at a slower cadence.
 */
export class OptionsCapture extends CaptureBase {
  private instruments: ReadonlyMap<string, OptionInstrument> = new Map();
  private underlyings: string[] = [];
  private readonly openInterest = new Map<string, OptionOpenInterest>();
  /** Stream state per underlying, keyed by the lower-case name streams carry (btcusdt). */
  private readonly chains = new Map<string, { underlying: string; state: OptionsChainState }>();
  private changed: KeyedThrottle<string> | undefined;
  private market: StreamClient | undefined;
  private public: StreamClient | undefined;

  constructor(private readonly deps: OptionsCaptureDeps) {
    super(deps, { product: 'OPTIONS', service: 'capture-options' });
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, logger, client } = this.deps;
    await this.loadUntilDone('options exchangeInfo', () => this.loadExchangeInfo(signal), signal);
    logger.info({ underlyings: this.underlyings, contracts: this.instruments.size }, 'options contract list loaded');
    this.startStreams(signal);
    if (config.CAPTURE_MODE !== 'ws') {
      this.addLoop('chains', {
        intervalMs: config.OPTIONS_CHAIN_INTERVAL_MS,
        budget: client.budget,
        budgetShare: config.BINANCE_WEIGHT_SHARE * 0.9,
        weightPerRun: () => 5 + 5 + this.underlyings.length,
        run: (s) => (this.restNeeded() ? this.pollChains(s) : Promise.resolve()),
      });
      // Open interest weighs nothing on REST, but the streams carry it too.
      this.addLoop('openInterest', {
        intervalMs: config.OPTIONS_OPEN_INTEREST_INTERVAL_MS,
        run: (s) => (this.restNeeded() ? this.pollOpenInterest(s) : Promise.resolve()),
      });
    }
    this.addLoop('exchangeInfo', {
      intervalMs: config.OPTIONS_EXCHANGE_INFO_REFRESH_MS,
      run: (s) => this.loadExchangeInfo(s),
    });
    await this.pollOpenInterest(signal).catch(() => undefined);
    this.startLoops(signal);
  }

  /**
   * Per underlying: `<u>@optionMarkPrice` (mark, IV, greeks, best quotes) and
   * `<u>@openInterest@<YYMMDD>` per expiry on /market, `<u>@optionTicker@<YYMMDD>` on /public, and
   * `!index@arr`; each chain is assembled from the latest state at most once per
   * OPTIONS_CHAIN_INTERVAL_MS. A lost connection is repaired with one REST chain poll.
   */
  private startStreams(signal: AbortSignal): void {
    const { config } = this.deps;
    const feeds = this.createFeeds(config.CAPTURE_MODE, config, 'options', (s) => this.pollChains(s));
    if (feeds === undefined) return;
    const cadence = Math.max(config.STREAM_CONFLATE_MS, config.OPTIONS_CHAIN_INTERVAL_MS);
    this.changed = this.throttle<string>(cadence, (underlyings) => void this.publishChains(underlyings));
    const streams = this.streamNames();
    const onMessage = (stream: string, data: unknown, receivedAt: number): void =>
      this.onStream(stream, data, receivedAt);
    const base = {
      product: 'options' as const,
      baseUrl: config.BINANCE_OPTIONS_WS_URL,
      topics: [TOPICS.optionsChain],
      onMessage,
    };
    this.market = feeds.add({ ...base, name: 'options-market', path: '/market', streams: streams.market });
    this.public = feeds.add({ ...base, name: 'options-public', path: '/public', streams: streams.public });
    feeds.start(signal);
  }

  private streamNames(): { market: string[]; public: string[] } {
    const market = new Set<string>(['!index@arr']);
    const pub = new Set<string>();
    for (const u of this.underlyings) {
      const key = u.toLowerCase();
      if (!this.chains.has(key)) this.chains.set(key, { underlying: u, state: new OptionsChainState() });
      market.add(`${key}@optionMarkPrice`);
    }
    for (const i of this.instruments.values()) {
      const exp = expirationOf(i.expiryTime);
      market.add(`${i.underlying.toLowerCase()}@openInterest@${exp}`);
      pub.add(`${i.underlying.toLowerCase()}@optionTicker@${exp}`);
    }
    return { market: [...market].sort(), public: [...pub].sort() };
  }

  private onStream(stream: string, data: unknown, receivedAt: number): void {
    const ctx = { captureTime: receivedAt, source: OPTIONS_WS_SOURCE };
    if (stream === '!index@arr') {
      const mapped = mapOptionsStreamIndex(data, ctx);
      this.keepRejected(mapped.rejected);
      for (const { underlying, state } of this.chains.values())
        if (state.updateIndexes(mapped.records).includes(underlying)) this.changed?.offer(underlying, underlying);
      return;
    }
    const [key = '', kind] = stream.split('@');
    const chain = this.chains.get(key);
    if (chain === undefined) return;
    let changed: string[];
    if (kind === 'optionMarkPrice') {
      const mapped = mapOptionsStreamMark(data, ctx);
      this.keepRejected(mapped.rejected);
      changed = chain.state.updateMarks(mapped.records);
    } else if (kind === 'optionTicker') {
      const mapped = mapOptionsStreamTicker(data, ctx);
      this.keepRejected(mapped.rejected);
      changed = chain.state.updateTickers(mapped.records);
    } else {
      const mapped = mapOptionsStreamOpenInterest(data, ctx);
      this.keepRejected(mapped.rejected);
      changed = chain.state.updateOpenInterest(mapped.records);
    }
    if (changed.length > 0) this.changed?.offer(chain.underlying, chain.underlying);
  }

  private async publishChains(underlyings: string[]): Promise<void> {
    const records: OptionsChain[] = [];
    const ctx = { captureTime: this.now(), source: OPTIONS_WS_SOURCE };
    for (const underlying of underlyings) {
      const built = this.chains.get(underlying.toLowerCase())?.state.build(underlying, this.instruments, ctx);
      // Contracts waiting for their other stream right after a (re)connect are not feed errors.
      if (built !== undefined) records.push(...built.records);
    }
    await this.publishStreamed(
      TOPICS.optionsChain,
      records,
      { keyOf: (r) => r.underlying },
      `${this.underlyings.length} underlyings (streams)`,
      (r) => r.symbol === null || this.instruments.has(r.symbol),
    );
  }

  private async loadExchangeInfo(signal: AbortSignal): Promise<void> {
    const raw = await this.deps.client.get('exchangeInfo', {}, signal);
    const info = mapOptionsExchangeInfo(raw, { captureTime: this.now(), source: OPTIONS_SOURCE });
    this.deps.client.applyRateLimits(info.rateLimits);
    this.underlyings = this.selectWanted(this.deps.config.OPTIONS_UNDERLYINGS, info.underlyings, 'option underlyings');
    const keep = new Set(this.underlyings);
    const instruments = new Map<string, OptionInstrument>();
    for (const [symbol, i] of info.instruments) if (keep.has(i.underlying)) instruments.set(symbol, i);
    this.instruments = instruments;
    if (this.market !== undefined) {
      const streams = this.streamNames();
      this.market.setStreams(streams.market);
      this.public?.setStreams(streams.public);
      for (const { state } of this.chains.values())
        state.forget([...state.symbols()].filter((s) => !instruments.has(s)));
    }
  }

  private async pollChains(signal: AbortSignal): Promise<void> {
    if (this.underlyings.length === 0) return;
    const { client } = this.deps;
    const [ticker, mark, ...indexBodies] = await Promise.all([
      client.get('ticker', {}, signal),
      client.get('mark', {}, signal),
      ...this.underlyings.map((underlying) => client.get('index', { underlying }, signal)),
    ]);
    const indexes = this.underlyings.map((underlying, i) => ({ underlying, body: indexBodies[i] }));
    const mapped = mapOptionsChains({ ticker, mark, indexes }, this.openInterest, {
      captureTime: this.now(),
      source: OPTIONS_SOURCE,
      instruments: this.instruments,
    });
    // The all-symbols bodies list every underlying's contracts; only the unwanted ones are dropped silently.
    mapped.rejected = mapped.rejected.filter(
      (r) => r.symbol === null || this.instruments.has(r.symbol) || this.underlyings.includes(r.symbol),
    );
    await this.publisher.publish(TOPICS.optionsChain, mapped, { keyOf: (r) => r.underlying });
    this.announceReady(`${this.underlyings.length} underlyings, ${this.instruments.size} contracts`);
  }

  private async pollOpenInterest(signal: AbortSignal): Promise<void> {
    const jobs = openInterestQueries(this.instruments).map((query) => async () => {
      const raw = await this.deps.client.get('openInterest', query, signal);
      const mapped = mapOptionsOpenInterest(raw, { captureTime: this.now(), source: OPTIONS_SOURCE });
      if (mapped.rejected.length > 0) this.deps.client.countRejected('openInterest', mapped.rejected.length);
      keepLatestOptionOpenInterest(this.openInterest, mapped.records);
    });
    const failures = await runConcurrently(jobs, OI_WORKERS, signal);
    if (failures.length > 0) {
      const first = failures[0];
      this.deps.logger.warn(
        { failed: failures.length, of: jobs.length, err: first instanceof Error ? first.message : String(first) },
        'options open interest requests failed; last values are kept with their own time',
      );
    }
  }
}

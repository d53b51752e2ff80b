import { CaptureBase, runConcurrently, type CaptureBaseDeps } from '@marketpipe/binance';
import { TOPICS } from '@marketpipe/contracts';
import type { CaptureOptionsConfig } from './config';
import {
  keepLatestOptionOpenInterest,
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

  constructor(private readonly deps: OptionsCaptureDeps) {
    super(deps);
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, logger, client } = this.deps;
    await this.loadUntilDone('options exchangeInfo', () => this.loadExchangeInfo(signal), signal);
    logger.info({ underlyings: this.underlyings, contracts: this.instruments.size }, 'options contract list loaded');
    this.addLoop('chains', {
      intervalMs: config.OPTIONS_CHAIN_INTERVAL_MS,
      budget: client.budget,
      budgetShare: config.BINANCE_WEIGHT_SHARE * 0.9,
      weightPerRun: () => 5 + 5 + this.underlyings.length,
      run: (s) => this.pollChains(s),
    });
    this.addLoop('openInterest', {
      intervalMs: config.OPTIONS_OPEN_INTEREST_INTERVAL_MS,
      run: (s) => this.pollOpenInterest(s),
    });
    this.addLoop('exchangeInfo', {
      intervalMs: config.OPTIONS_EXCHANGE_INFO_REFRESH_MS,
      run: (s) => this.loadExchangeInfo(s),
    });
    await this.pollOpenInterest(signal).catch(() => undefined);
    this.startLoops(signal);
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

import type { Bus, BusMessage, Subscription } from '@marketpipe/bus';
import {
  klineTopic,
  TOPICS,
  type OptionsChain,
  type SpotTicker,
  type SronaReport,
  type VolSurfaceSnapshot,
} from '@marketpipe/contracts';
import { every, type Logger, type Loop } from '@marketpipe/runtime';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { sronaParams, type SronaConfig } from './config';
import { chainStats, type ChainStats } from './model/chain';
import { chainSurface } from './model/surface';
import { evaluateUnderlying, type DetectorCounters } from './model/detector';
import { MoveDistributionCache } from './model/frequency';
import { CandleHistory } from './model/history';
import type { SronaParams } from './model/params';

export interface SronaDeps {
  bus: Bus;
  logger: Logger;
  metrics: Registry;
  config: SronaConfig;
  /** Consumer group; one per deployment of the service. */
  groupId?: string;
  onReady?: (ready: boolean, detail: string) => void;
  now?: () => number;
}

/** Everything srona holds for one underlying (= spot symbol): the per-symbol computable. */
class UnderlyingState {
  chain: OptionsChain | undefined;
  /** Aggregates of `chain`, computed at the first tick that needs them. */
  stats: ChainStats | undefined;
  /** chainSurface(chain): solved once per chain (about 3 IVs per contract), not per tick. */
  surface: VolSurfaceSnapshot | null | undefined;
  spot: SpotTicker | undefined;
  /** Partition the symbol's records arrive on (the input topics are co-partitioned by symbol). */
  partition = -1;
  /** Bumped whenever an input changes; a report is due when it differs from `emitted`. */
  version = 0;
  emitted = 0;
  readonly moves: MoveDistributionCache;

  constructor(
    readonly history: CandleHistory,
    minSpans: number,
    ratePerYear: number,
  ) {
    this.moves = new MoveDistributionCache(minSpans, ratePerYear);
  }
}

/**
 * srona: keeps per underlying the newest options chain, the newest spot ticker and a bounded,
 * deduplicated, time-ordered candle history, all rebuilt from the topics on start (`replay`), and
 * every tick publishes one SronaReport per underlying whose inputs changed since its last report.
 * It reports ready, and starts publishing, only once the replay has caught up, so a restart never
 * publishes reports computed from a half-rebuilt history.
 */
export class SronaService {
  private readonly states = new Map<string, UnderlyingState>();
  private readonly params: SronaParams;
  private readonly interval: string;
  private readonly historyCapacity: number;
  private caughtUp = false;
  private subscription: Subscription | undefined;
  private loop: Loop | undefined;
  private readonly now: () => number;
  private readonly counters: DetectorCounters = { candidates: 0, nonFinite: 0 };
  private readonly tickSeconds: Histogram;
  private readonly computeSeconds: Histogram;
  private readonly reports: Counter;
  private readonly candidates: Counter;
  private readonly nonFinite: Counter;
  private readonly opportunities: Gauge<'underlying'>;
  private readonly inputs: Record<'applied' | 'stale' | 'ignored', Counter.Internal>;

  constructor(private readonly deps: SronaDeps) {
    this.now = deps.now ?? Date.now;
    this.params = sronaParams(deps.config);
    this.interval = deps.config.SRONA_CANDLE_INTERVAL;
    this.historyCapacity = Math.ceil(this.params.historyMs / this.params.candleIntervalMs) + 1;
    const registers = [deps.metrics];
    this.tickSeconds = new Histogram({
      name: 'marketpipe_srona_tick_seconds',
      help: 'Compute + publish time of one srona tick',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers,
    });
    this.computeSeconds = new Histogram({
      name: 'marketpipe_srona_compute_seconds',
      help: 'Model time of one srona tick (every due underlying), without the publish',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.2],
      registers,
    });
    this.reports = new Counter({ name: 'marketpipe_srona_reports_total', help: 'SronaReports published', registers });
    this.candidates = new Counter({
      name: 'marketpipe_srona_candidates_total',
      help: 'Option contracts that passed the candidate filters, summed over reports',
      registers,
    });
    this.nonFinite = new Counter({
      name: 'marketpipe_srona_nonfinite_dropped_total',
      help: 'Candidates dropped because a computed number was not finite',
      registers,
    });
    this.opportunities = new Gauge({
      name: 'marketpipe_srona_opportunities',
      help: 'Opportunities in the latest report, per underlying',
      labelNames: ['underlying'] as const,
      registers,
    });
    const inputs = new Counter({
      name: 'marketpipe_srona_inputs_total',
      help: 'Input records by outcome: applied, stale (not newer than the held one) or ignored (other kline interval, duplicate candle)',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.inputs = {
      applied: inputs.labels('applied'),
      stale: inputs.labels('stale'),
      ignored: inputs.labels('ignored'),
    };
  }

  async start(signal: AbortSignal): Promise<void> {
    const candles = klineTopic(this.params.candleIntervalMs);
    const inputs = [TOPICS.optionsChain, TOPICS.spotTicker, candles];
    this.deps.onReady?.(false, `replaying ${inputs.join(', ')}`);
    this.subscription = await this.deps.bus.subscribe({
      groupId: this.deps.groupId ?? 'srona',
      topics: inputs,
      replay: true,
      // Chains and spot tickers are latest-state (compaction bounds them); the candle history
      // reaches back SRONA_HISTORY_DAYS.
      lookbackMs: { [candles]: this.params.historyMs + this.params.candleIntervalMs },
      onCaughtUp: () => this.onCaughtUp(),
      onAssigned: (assignment) => this.onAssigned(assignment),
      handler: (m) => this.ingest(m),
    });
    this.loop = every(this.deps.config.SRONA_INTERVAL_MS, () => this.tick(), signal, this.deps.logger, 'srona');
  }

  private onCaughtUp(): void {
    if (!this.caughtUp) {
      let candles = 0;
      let chains = 0;
      for (const s of this.states.values()) {
        candles += s.history.length;
        if (s.chain !== undefined) chains++;
      }
      this.deps.logger.info(
        { symbols: this.states.size, chains, candles, interval: this.interval },
        'srona state rebuilt from the topics',
      );
    }
    this.caughtUp = true;
    this.deps.onReady?.(true, 'inputs replayed; publishing analytics.srona');
  }

  /**
   * A rebalance: forget the symbols of partitions this member no longer owns, and hold the reports
   * back until the replay of the new assignment has caught up (a newly owned partition's history is
   * being rebuilt and must not be reported half-read).
   */
  private onAssigned(assignment: ReadonlyMap<string, readonly number[]>): void {
    const owned = new Set(assignment.get(TOPICS.optionsChain) ?? []);
    for (const [symbol, s] of this.states) if (s.partition >= 0 && !owned.has(s.partition)) this.states.delete(symbol);
    if (this.caughtUp) {
      this.caughtUp = false;
      this.deps.onReady?.(false, 'partitions reassigned; replaying');
    }
  }

  private state(symbol: string): UnderlyingState {
    let s = this.states.get(symbol);
    if (s === undefined) {
      s = new UnderlyingState(
        new CandleHistory(this.params.candleIntervalMs, this.historyCapacity),
        this.params.frequencyMinSpans,
        this.params.riskFreeRate,
      );
      this.states.set(symbol, s);
    }
    return s;
  }

  /** Applies one input record to its underlying's state. */
  ingest(m: BusMessage): void {
    switch (m.topic) {
      case TOPICS.optionsChain: {
        const s = this.state(m.value.underlying);
        s.partition = m.partition;
        if (s.chain !== undefined && m.value.eventTime <= s.chain.eventTime) {
          this.inputs.stale.inc();
          return;
        }
        s.chain = m.value;
        s.stats = undefined;
        s.surface = undefined;
        s.version++;
        this.inputs.applied.inc();
        return;
      }
      case TOPICS.spotTicker: {
        const s = this.state(m.value.symbol);
        s.partition = m.partition;
        if (s.spot !== undefined && m.value.eventTime <= s.spot.eventTime) {
          this.inputs.stale.inc();
          return;
        }
        s.spot = m.value;
        s.version++;
        this.inputs.applied.inc();
        return;
      }
      case TOPICS.spotKline:
      case TOPICS.spotKlineLong: {
        const k = m.value;
        if (k.interval !== this.interval) {
          this.inputs.ignored.inc();
          return;
        }
        const s = this.state(k.symbol);
        s.partition = m.partition;
        if (s.history.add(k.openTime, k.close, k.eventTime)) {
          s.version++;
          this.inputs.applied.inc();
        } else {
          this.inputs.ignored.inc();
        }
        return;
      }
      default:
        return;
    }
  }

  /** This tick's reports: one per underlying with a chain whose inputs changed since its last report. */
  records(now: number): { reports: SronaReport[]; versions: number[] } {
    const reports: SronaReport[] = [];
    const versions: number[] = [];
    for (const [underlying, s] of this.states) {
      if (s.chain === undefined || s.version === s.emitted) continue;
      if (s.stats === undefined) s.stats = chainStats(s.chain);
      if (s.surface === undefined) s.surface = chainSurface(s.chain, this.params.riskFreeRate);
      reports.push(
        evaluateUnderlying(
          {
            underlying,
            chain: s.chain,
            stats: s.stats,
            spot: s.spot,
            history: s.history,
            moves: s.moves,
            surface: s.surface,
          },
          this.params,
          now,
          this.counters,
        ),
      );
      versions.push(s.version);
    }
    return { reports, versions };
  }

  private async tick(): Promise<void> {
    if (!this.caughtUp) return;
    const endTick = this.tickSeconds.startTimer();
    const endCompute = this.computeSeconds.startTimer();
    const candidatesBefore = this.counters.candidates;
    const nonFiniteBefore = this.counters.nonFinite;
    const { reports, versions } = this.records(this.now());
    endCompute();
    if (reports.length > 0) {
      await this.deps.bus.publish(
        TOPICS.srona,
        reports.map((r) => ({ key: r.underlying, value: r })),
      );
      for (let i = 0; i < reports.length; i++) {
        const r = reports[i] as SronaReport;
        const s = this.states.get(r.underlying);
        if (s !== undefined) s.emitted = versions[i] as number;
        this.opportunities.set({ underlying: r.underlying }, r.opportunities.length);
      }
      this.reports.inc(reports.length);
      this.candidates.inc(this.counters.candidates - candidatesBefore);
      this.nonFinite.inc(this.counters.nonFinite - nonFiniteBefore);
    }
    endTick();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.loop?.stop();
  }
}

import type { Bus, Subscription } from '@marketpipe/bus';
import { TOPICS, type PsychState } from '@marketpipe/contracts';
import { every, type Logger, type Loop } from '@marketpipe/runtime';
import { Counter, Histogram, type Registry } from 'prom-client';
import { psychParams, type PsychConfig } from './config';
import { PsychComputable, psychRecord, type PsychParams } from './model/psych';

export interface PsychDeps {
  bus: Bus;
  logger: Logger;
  metrics: Registry;
  config: PsychConfig;
  /** Consumer group; one per deployment of the service. */
  groupId?: string;
  onReady?: (ready: boolean, detail: string) => void;
  now?: () => number;
}

interface SymbolEntry {
  readonly computable: PsychComputable;
  /** eventTime of the last published record (−Infinity before the first). */
  emitted: number;
}

/**
 * psych: keeps one PsychComputable per symbol, fed from market.spot.ticker, market.futures.ticker
 * and market.spot.kline. On start (and after every reassignment) it replays the retained records
 * of those topics into the windows and only then reports ready and publishes, so a restart resumes
 * with full windows. Every tick it publishes one PsychState per spot symbol whose newest input
 * advanced since its last record.
 */
export class PsychService {
  private readonly symbols = new Map<string, SymbolEntry>();
  private readonly params: PsychParams;
  private subscription: Subscription | undefined;
  private loop: Loop | undefined;
  /** True until the replay of the assigned partitions has caught up: nothing is published meanwhile. */
  private replaying = true;
  private readonly tickSeconds: Histogram;
  private readonly published: Counter<'status'>;
  private readonly now: () => number;

  constructor(private readonly deps: PsychDeps) {
    this.params = psychParams(deps.config);
    this.now = deps.now ?? Date.now;
    this.tickSeconds = new Histogram({
      name: 'marketpipe_psych_tick_seconds',
      help: 'Compute + publish time of one psych tick',
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
      registers: [deps.metrics],
    });
    this.published = new Counter({
      name: 'marketpipe_psych_records_total',
      help: 'PsychState records published, by status',
      labelNames: ['status'] as const,
      registers: [deps.metrics],
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({
      groupId: this.deps.groupId ?? 'psych',
      topics: [TOPICS.spotTicker, TOPICS.futuresTicker, TOPICS.spotKline],
      replay: true,
      onAssigned: () => {
        this.replaying = true;
        this.deps.onReady?.(false, 'rebuilding windows from the input topics');
      },
      onCaughtUp: () => {
        this.replaying = false;
        this.deps.logger.info({ symbols: this.symbols.size }, 'psych windows rebuilt');
        this.deps.onReady?.(true, 'windows rebuilt from market.spot.ticker, market.futures.ticker, market.spot.kline');
      },
      handler: (m) => {
        switch (m.topic) {
          case TOPICS.spotTicker:
            this.entry(m.value.symbol).computable.addSpot(m.value);
            break;
          case TOPICS.futuresTicker:
            this.entry(m.value.symbol).computable.addFutures(m.value);
            break;
          case TOPICS.spotKline:
            if (m.value.interval === '1m') this.entry(m.value.symbol).computable.addKline(m.value);
            break;
          default:
            break;
        }
      },
    });
    this.loop = every(this.deps.config.PSYCH_INTERVAL_MS, () => this.tick(), signal, this.deps.logger, 'psych');
  }

  private entry(symbol: string): SymbolEntry {
    let e = this.symbols.get(symbol);
    if (e === undefined) {
      e = { computable: new PsychComputable(this.params), emitted: -Infinity };
      this.symbols.set(symbol, e);
    }
    return e;
  }

  /** Builds this tick's records: one per spot symbol whose newest input advanced since its last record. */
  records(emitTime: number): PsychState[] {
    const out: PsychState[] = [];
    const windowMs = this.params.windowMs;
    for (const [symbol, e] of this.symbols) {
      const c = e.computable;
      if (c.eventTime <= e.emitted || !c.hasSpot()) continue;
      out.push(psychRecord(symbol, c.assess(), emitTime, windowMs));
    }
    return out;
  }

  private async tick(): Promise<void> {
    if (this.replaying) return;
    const end = this.tickSeconds.startTimer();
    const records = this.records(this.now());
    if (records.length > 0) {
      await this.deps.bus.publish(
        TOPICS.psych,
        records.map((r) => ({ key: r.symbol, value: r })),
      );
      for (const r of records) {
        const e = this.symbols.get(r.symbol);
        if (e === undefined) continue;
        e.emitted = r.eventTime;
        e.computable.commit(r);
        this.published.inc({ status: r.status });
      }
    }
    this.forgetSilentSymbols();
    end();
  }

  /**
   * Bounded memory across the symbol universe: a symbol with no input for longer than both windows
   * (by exchange time, against the newest input of any symbol) is dropped; it starts afresh if it
   * comes back.
   */
  private forgetSilentSymbols(): void {
    let newest = -Infinity;
    for (const e of this.symbols.values()) if (e.computable.eventTime > newest) newest = e.computable.eventTime;
    const cutoff = newest - this.params.longWindowMs - this.params.windowMs;
    for (const [symbol, e] of this.symbols) if (e.computable.eventTime < cutoff) this.symbols.delete(symbol);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.loop?.stop();
  }
}

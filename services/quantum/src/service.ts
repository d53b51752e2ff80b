import type { Bus, Subscription } from '@marketpipe/bus';
import { TOPICS, type QuantumScore } from '@marketpipe/contracts';
import { every, type Logger, type Loop } from '@marketpipe/runtime';
import { Histogram, type Registry } from 'prom-client';
import type { QuantumConfig } from './config';
import { quantumParams, scoreSymbol, type QuantumResult } from './model/quantum';

export const QUANTUM_SOURCE = 'quantum';
const NO_SCORES: ReadonlyMap<string, number> = new Map();

export interface QuantumDeps {
  bus: Bus;
  logger: Logger;
  metrics: Registry;
  config: QuantumConfig;
  /** Consumer group; one per deployment of the service. */
  groupId?: string;
  onReady?: (ready: boolean, detail: string) => void;
  now?: () => number;
}

/**
 * quantum: learns the symbol universe (and each symbol's newest eventTime) from market.spot.ticker,
 * and every tick publishes a QuantumScore for each symbol whose input advanced since its last
 * score. The score itself depends only on the symbol and the parameters, so it is computed once
 * per symbol and reused.
 */
export class QuantumService {
  private readonly latest = new Map<string, number>();
  private readonly emitted = new Map<string, number>();
  private readonly cache = new Map<string, QuantumResult>();
  private subscription: Subscription | undefined;
  private loop: Loop | undefined;
  private readonly tickSeconds: Histogram;
  private readonly now: () => number;

  constructor(private readonly deps: QuantumDeps) {
    this.now = deps.now ?? Date.now;
    this.tickSeconds = new Histogram({
      name: 'marketpipe_quantum_tick_seconds',
      help: 'Compute + publish time of one quantum tick',
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
      registers: [deps.metrics],
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({
      groupId: this.deps.groupId ?? 'quantum',
      topics: [TOPICS.spotTicker],
      fromBeginning: true,
      handler: (m) => {
        if (m.topic !== TOPICS.spotTicker) return;
        const held = this.latest.get(m.key);
        if (held === undefined || m.value.eventTime > held) this.latest.set(m.key, m.value.eventTime);
      },
    });
    this.deps.onReady?.(true, 'subscribed to market.spot.ticker');
    this.loop = every(this.deps.config.QUANTUM_INTERVAL_MS, () => this.tick(), signal, this.deps.logger, 'quantum');
  }

  private score(symbol: string): QuantumResult {
    let r = this.cache.get(symbol);
    if (r === undefined) {
      const c = this.deps.config;
      r = scoreSymbol(
        symbol,
        quantumParams(c.QUANTUM_UNIVERSAL_FREQUENCY, c.QUANTUM_COLS),
        c.QUANTUM_WEIGHTS,
        (c.QUANTUM_AI_SCORES ?? NO_SCORES).get(symbol) ?? 0,
        (c.QUANTUM_VIGO_SCORES ?? NO_SCORES).get(symbol) ?? 0,
      );
      this.cache.set(symbol, r);
    }
    return r;
  }

  /** Builds this tick's records: one per symbol whose input advanced. */
  records(emitTime: number): QuantumScore[] {
    const c = this.deps.config;
    const params = quantumParams(c.QUANTUM_UNIVERSAL_FREQUENCY, c.QUANTUM_COLS);
    const out: QuantumScore[] = [];
    for (const [symbol, eventTime] of this.latest) {
      if ((this.emitted.get(symbol) ?? -1) >= eventTime) continue;
      const r = this.score(symbol);
      out.push({
        symbol,
        eventTime,
        emitTime,
        source: QUANTUM_SOURCE,
        hash: r.hash,
        factors: r.factors,
        coreScore: r.coreScore,
        ensembleScore: r.ensembleScore,
        weights: { core: c.QUANTUM_WEIGHTS.core, ai: c.QUANTUM_WEIGHTS.ai, vigo: c.QUANTUM_WEIGHTS.vigo },
        aiScore: r.aiScore,
        vigoScore: r.vigoScore,
        lambda: params.lambda,
        universalFrequency: params.universalFrequency,
        cols: params.cols,
      });
    }
    return out;
  }

  private async tick(): Promise<void> {
    const end = this.tickSeconds.startTimer();
    const records = this.records(this.now());
    if (records.length > 0) {
      await this.deps.bus.publish(
        TOPICS.quantum,
        records.map((r) => ({ key: r.symbol, value: r })),
      );
      for (const r of records) this.emitted.set(r.symbol, r.eventTime);
    }
    end();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.loop?.stop();
  }
}

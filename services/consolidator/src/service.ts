import type { Bus, BusMessage, Subscription } from '@marketpipe/bus';
import { TOPICS, type GlobalMetrics, type TopicName, type UnifiedGap, type UnifiedMarket } from '@marketpipe/contracts';
import { every, type Logger, type Loop } from '@marketpipe/runtime';
import { LRUCache } from 'lru-cache';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ConsolidatorConfig } from './config';
import { GapBook, marksKey } from './model/gaps';
import { partialAggregate } from './model/global';
import { SymbolState, type NearMoneyOptions } from './model/state';
import { buildUnified } from './model/unified';
import type { SnapshotStore } from './store/port';

export const INPUT_TOPICS: readonly TopicName[] = [
  TOPICS.spotTicker,
  TOPICS.futuresTicker,
  TOPICS.optionsChain,
  TOPICS.quantum,
  TOPICS.psych,
  TOPICS.srona,
];

export interface ConsolidatorDeps {
  bus: Bus;
  store: SnapshotStore;
  logger: Logger;
  metrics: Registry;
  config: ConsolidatorConfig;
  groupId?: string;
  onReady?: (check: 'kafka-state' | 'snapshot-store', ready: boolean, detail: string) => void;
  now?: () => number;
}

/**
 * The consolidator: the latest record per (symbol, source) from the six input topics, joined per
 * symbol (options chains and SRONA reports are keyed by their underlying, which is the symbol),
 * and every tick one unified-market record per changed symbol, the same snapshots written to the
 * store in one batch, and the global metrics of the symbols this instance owns. State is rebuilt
 * from the topics (replay) at start and after every partition reassignment; nothing is emitted
 * until that rebuild has caught up, so a restart never publishes half-empty snapshots.
 */
export class ConsolidatorService {
  private readonly cache: LRUCache<string, SymbolState>;
  private readonly gaps: GapBook;
  private gapSubscription: Subscription | undefined;
  private gapsCaughtUp = false;
  private readonly nearMoney: NearMoneyOptions;
  private readonly now: () => number;
  private subscription: Subscription | undefined;
  private loop: Loop | undefined;
  private caughtUp = false;
  private stateCaughtUp = false;
  private partitions: readonly number[] = [];
  private lastGlobal = 0;
  private rewriteAll = false;
  /** The unified-market publish in flight, if any (see tick). */
  private publishing: Promise<void> | undefined;
  private readonly tickSeconds: Histogram;
  private readonly joined: Counter<'topic'>;
  private readonly emitted: Counter;
  private readonly failures: Counter<'sink'>;

  constructor(private readonly deps: ConsolidatorDeps) {
    const c = deps.config;
    this.now = deps.now ?? Date.now;
    this.cache = new LRUCache({
      max: c.CONSOLIDATOR_CACHE_MAX_SYMBOLS,
      ttl: c.CONSOLIDATOR_CACHE_TTL_MS,
      updateAgeOnGet: false,
    });
    this.gaps = new GapBook(c.CONSOLIDATOR_GAP_MARK_MS);
    this.nearMoney = {
      expiries: c.CONSOLIDATOR_NEAR_MONEY_EXPIRIES,
      maxDistance: c.CONSOLIDATOR_NEAR_MONEY_DISTANCE,
      maxContracts: c.CONSOLIDATOR_NEAR_MONEY_MAX,
    };
    const registers = [deps.metrics];
    this.tickSeconds = new Histogram({
      name: 'marketpipe_consolidator_tick_seconds',
      help: 'Join + publish + store time of one tick',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    });
    this.joined = new Counter({
      name: 'marketpipe_consolidator_joined_total',
      help: 'Input records that changed state',
      labelNames: ['topic'],
      registers,
    });
    this.emitted = new Counter({
      name: 'marketpipe_consolidator_emitted_total',
      help: 'unified-market records published',
      registers,
    });
    this.failures = new Counter({
      name: 'marketpipe_consolidator_sink_failures_total',
      help: 'Failed ticks per sink',
      labelNames: ['sink'],
      registers,
    });
    deps.store.onRecovered(() => {
      this.rewriteAll = true;
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    this.deps.onReady?.('kafka-state', false, 'rebuilding state from the topics');
    // Gaps name products or symbol lists, not one key, so every instance reads every partition:
    // a group of its own per instance, restored over the mark horizon at each start.
    const groupId = this.deps.groupId ?? 'consolidator';
    this.gapSubscription = await this.deps.bus.subscribe({
      groupId: `${groupId}.gaps.${this.deps.config.CONSOLIDATOR_INSTANCE_ID}`,
      topics: [TOPICS.gaps],
      replay: true,
      lookbackMs: { [TOPICS.gaps]: this.deps.config.CONSOLIDATOR_GAP_MARK_MS },
      handler: (m) => {
        if (m.topic === TOPICS.gaps) this.gaps.apply(m.value);
      },
      onCaughtUp: () => {
        this.gapsCaughtUp = true;
        this.reportCaughtUp();
      },
    });
    this.subscription = await this.deps.bus.subscribe({
      groupId,
      topics: INPUT_TOPICS,
      replay: true,
      // A symbol without an update for the cache TTL has left the cache in steady state, so its
      // records older than that are not state; within it, compaction leaves one per key plus a tail.
      lookbackMs: Object.fromEntries(INPUT_TOPICS.map((t) => [t, this.deps.config.CONSOLIDATOR_CACHE_TTL_MS])),
      handler: (m) => void this.apply(m),
      onAssigned: (assignment) => this.assigned(assignment),
      onCaughtUp: () => {
        this.stateCaughtUp = true;
        this.reportCaughtUp();
      },
    });
    this.loop = every(
      this.deps.config.CONSOLIDATOR_TICK_MS,
      () => this.tick(),
      signal,
      this.deps.logger,
      'consolidator',
    );
  }

  /** Emitting starts once the state and the gap marks have both been rebuilt. */
  private reportCaughtUp(): void {
    if (!this.stateCaughtUp || !this.gapsCaughtUp) return;
    if (!this.caughtUp)
      this.deps.logger.info(
        { symbols: this.cache.size, gaps: this.gaps.size },
        'state rebuilt from the topics; emitting',
      );
    this.caughtUp = true;
    this.deps.onReady?.('kafka-state', true, `${this.cache.size} symbols`);
  }

  private assigned(assignment: ReadonlyMap<string, readonly number[]>): void {
    const mine = new Set<number>();
    for (const partitions of assignment.values()) for (const p of partitions) mine.add(p);
    this.partitions = [...mine].sort((a, b) => a - b);
    // Symbols of partitions another instance now owns are its to emit, not ours.
    for (const [symbol, state] of this.cache.entries()) if (!mine.has(state.partition)) this.cache.delete(symbol);
    this.caughtUp = false;
    this.stateCaughtUp = false;
    this.deps.onReady?.('kafka-state', false, `rebuilding partitions ${this.partitions.join(',')}`);
  }

  /** Applies one input record; returns whether it changed the symbol's state. */
  apply(m: BusMessage, receivedAt: number = this.now()): boolean {
    const symbol = m.key;
    let state = this.cache.get(symbol);
    if (state === undefined) state = new SymbolState(symbol);
    state.partition = m.partition;
    let changed: boolean;
    switch (m.topic) {
      case TOPICS.spotTicker:
        changed = state.applySpot(m.value, receivedAt);
        break;
      case TOPICS.futuresTicker:
        changed = state.applyFutures(m.value, receivedAt);
        break;
      case TOPICS.optionsChain:
        changed = state.applyOptions(m.value, receivedAt, this.nearMoney);
        break;
      case TOPICS.quantum:
        changed = state.applyQuantum(m.value, receivedAt);
        break;
      case TOPICS.psych:
        changed = state.applyPsych(m.value, receivedAt);
        break;
      case TOPICS.srona:
        changed = state.applySrona(m.value, receivedAt);
        break;
      default:
        return false;
    }
    if (changed) {
      this.cache.set(symbol, state); // refreshes the TTL
      this.joined.inc({ topic: m.topic });
    }
    return changed;
  }

  /** One emit: unified records for changed symbols (all of them after a store outage), and the global metrics when due. */
  async tick(): Promise<void> {
    if (!this.caughtUp) return;
    const end = this.tickSeconds.startTimer();
    const emitTime = this.now();
    const staleMs = this.deps.config.CONSOLIDATOR_STALE_MS;
    this.gaps.prune(emitTime);
    const changed: SymbolState[] = [];
    const changedMarks: UnifiedGap[][] = [];
    const all: SymbolState[] = [];
    for (const state of this.cache.values()) {
      all.push(state);
      const marks = this.gaps.marks(state.symbol, state.products(), emitTime);
      if (state.changedSinceEmit(emitTime, staleMs) || marksKey(marks) !== state.emittedGapKey) {
        changed.push(state);
        changedMarks.push(marks);
      }
    }
    const unified = changed.map((s, i) => buildUnified(s, emitTime, { staleMs }, changedMarks[i]));
    let global: GlobalMetrics | null = null;
    if (emitTime - this.lastGlobal >= this.deps.config.CONSOLIDATOR_GLOBAL_INTERVAL_MS) {
      global = partialAggregate(all, this.deps.config.CONSOLIDATOR_INSTANCE_ID, this.partitions, emitTime);
      this.lastGlobal = emitTime;
    }
    // Redis is written every tick whatever Kafka does: a publish that hangs while Kafka is down
    // (the producer retries for tens of seconds) must not freeze the snapshot operators read. One
    // publish at a time; symbols it could not take stay changed and go with a later one.
    if (this.publishing === undefined) {
      this.publishing = this.publish(changed, unified, global, emitTime).finally(() => (this.publishing = undefined));
    }
    await this.store(all, unified, global, emitTime);
    end();
  }

  private async publish(
    changed: readonly SymbolState[],
    unified: readonly UnifiedMarket[],
    global: GlobalMetrics | null,
    emitTime: number,
  ): Promise<void> {
    try {
      if (unified.length > 0) {
        const versions = changed.map((s) => s.version);
        const staleMs = this.deps.config.CONSOLIDATOR_STALE_MS;
        const masks = changed.map((s) => s.staleMask(emitTime, staleMs));
        const gapKeys = unified.map((u) => marksKey(u.gaps));
        await this.deps.bus.publish(
          TOPICS.unified,
          unified.map((u) => ({ key: u.symbol, value: u })),
        );
        // Marked emitted only once Kafka has them: after an outage the same symbols emit again.
        changed.forEach((s, i) => {
          s.emittedVersion = versions[i] as number;
          s.emittedStaleMask = masks[i] as number;
          s.emittedGapKey = gapKeys[i] as string;
        });
        this.emitted.inc(unified.length);
      }
      if (global !== null) await this.deps.bus.publish(TOPICS.global, [{ key: global.instanceId, value: global }]);
    } catch (err) {
      this.failures.inc({ sink: 'kafka' });
      this.deps.logger.warn({ err: (err as Error).message }, 'publishing unified records failed; retried next tick');
    }
  }

  private async store(
    all: readonly SymbolState[],
    unified: readonly UnifiedMarket[],
    global: GlobalMetrics | null,
    emitTime: number,
  ): Promise<void> {
    const store = this.deps.store;
    if (!store.isReady()) {
      this.deps.onReady?.('snapshot-store', false, `${store.kind} unavailable`);
      return;
    }
    const rewrite = this.rewriteAll;
    const staleMs = this.deps.config.CONSOLIDATOR_STALE_MS;
    const batch = rewrite
      ? all.map((s) => buildUnified(s, emitTime, { staleMs }, this.gaps.marks(s.symbol, s.products(), emitTime)))
      : unified;
    try {
      await store.write(batch, global);
      if (rewrite) this.rewriteAll = false;
      this.deps.onReady?.('snapshot-store', true, store.kind);
    } catch (err) {
      this.failures.inc({ sink: store.kind });
      this.rewriteAll = true;
      this.deps.onReady?.('snapshot-store', false, `${store.kind}: ${(err as Error).message}`);
    }
  }

  /** The held state of a symbol (tests, the embedded HTTP API). */
  symbols(): string[] {
    return [...this.cache.keys()].sort();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.gapSubscription?.stop();
    await this.loop?.stop();
    await this.publishing;
  }
}

import { InputPositions, type Bus, type BusMessage, type Subscription } from '@marketpipe/bus';
import { TOPICS, type PsychState, type StateCheckpoint } from '@marketpipe/contracts';
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
  /** Partition of the symbol's inputs (the checkpoint goes to the same one). */
  partition: number;
  /** Windows changed since the last checkpoint. */
  dirty: boolean;
  /** Holds only what a checkpoint gave it: a later checkpoint of the symbol replaces it. */
  fromCheckpoint: boolean;
}

/** Bytes of checkpoint bodies per publish. */
const CHECKPOINT_BATCH_BYTES = 512 * 1024;

/** Layout of the checkpoint body this version writes and reads (PsychComputable.toFloats). */
const CHECKPOINT_FORMAT = 1;
/**
 * A restore replays the inputs from the newest checkpoint's position less this: records are
 * stamped by their producers' clocks, so a partition's timestamps are only nearly in order.
 */
const CHECKPOINT_MARGIN_MS = 30_000;
const STAGE = 'psych';

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
  private checkpointLoop: Loop | undefined;
  private readonly positions = new InputPositions();
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
      ...(this.deps.config.PSYCH_CHECKPOINT_MS > 0
        ? { checkpoints: { topic: TOPICS.psychState, marginMs: CHECKPOINT_MARGIN_MS } }
        : {}),
      // The windows reach back this far; a candle closes a minute after its window slot opens.
      lookbackMs: {
        [TOPICS.spotTicker]: this.params.windowMs + this.params.sampleMs,
        [TOPICS.futuresTicker]: this.params.windowMs + this.params.sampleMs,
        [TOPICS.spotKline]: this.params.longWindowMs + 2 * 60_000,
      },
      onAssigned: (assignment) => {
        this.positions.retain(new Set(assignment.get(TOPICS.spotTicker) ?? []));
        this.replaying = true;
        this.deps.onReady?.(false, 'rebuilding windows from the input topics');
      },
      onCaughtUp: () => {
        this.replaying = false;
        this.deps.logger.info({ symbols: this.symbols.size }, 'psych windows rebuilt');
        this.deps.onReady?.(true, 'windows rebuilt from market.spot.ticker, market.futures.ticker, market.spot.kline');
      },
      handler: (m) => this.ingest(m),
    });
    this.loop = every(this.deps.config.PSYCH_INTERVAL_MS, () => this.tick(), signal, this.deps.logger, 'psych');
    if (this.deps.config.PSYCH_CHECKPOINT_MS > 0)
      this.checkpointLoop = every(
        this.deps.config.PSYCH_CHECKPOINT_MS,
        () => this.checkpoint(),
        signal,
        this.deps.logger,
        'psych-checkpoint',
      );
  }

  private ingest(m: BusMessage): void {
    let e: SymbolEntry | undefined;
    let changed = false;
    switch (m.topic) {
      case TOPICS.psychState:
        this.restore(m.key, m.partition, m.value);
        return;
      case TOPICS.spotTicker:
        e = this.entry(m.value.symbol, m.partition);
        changed = e.computable.addSpot(m.value);
        break;
      case TOPICS.futuresTicker:
        e = this.entry(m.value.symbol, m.partition);
        changed = e.computable.addFutures(m.value);
        break;
      case TOPICS.spotKline:
        // Other intervals make no entry, but they are progress on the topic all the same.
        if (m.value.interval === '1m') {
          e = this.entry(m.value.symbol, m.partition);
          changed = e.computable.addKline(m.value);
        }
        break;
      default:
        return;
    }
    this.positions.observe(m);
    if (e === undefined) return;
    e.fromCheckpoint = false;
    if (changed) e.dirty = true;
  }

  /**
   * A checkpoint restores a symbol that holds nothing yet or only an earlier checkpoint (the topic
   * is read in order, so the newest wins). One that already holds inputs (its
   * partition stayed with this member across a rebalance) is newer than any checkpoint and keeps
   * its state; the replay after the checkpoint adds nothing it does not have (windows are idempotent).
   */
  private restore(symbol: string, partition: number, c: StateCheckpoint): void {
    if (c.stage !== STAGE || c.format !== CHECKPOINT_FORMAT) return;
    const e = this.entry(symbol, partition);
    if (e.computable.eventTime > -Infinity && !e.fromCheckpoint) {
      this.deps.logger.debug({ symbol }, 'psych checkpoint older than the state held; not restored');
      return;
    }
    const body = c.body;
    // Copied out: a Float64Array view needs 8-byte alignment, which a slice of the fetch buffer lacks.
    const floats = new Float64Array(body.byteLength / 8);
    new Uint8Array(floats.buffer).set(body.subarray(0, floats.length * 8));
    if (!e.computable.restoreFloats(floats)) {
      this.deps.logger.warn(
        { symbol },
        'psych checkpoint of other window parameters or malformed; rebuilding from the inputs',
      );
      return;
    }
    // The restored state was published before the checkpoint was taken.
    e.emitted = e.computable.eventTime;
    e.fromCheckpoint = true;
  }

  /** Writes the windows of every symbol that changed since its last checkpoint to state.psych. */
  private async checkpoint(): Promise<void> {
    if (this.replaying) return;
    const now = this.now();
    const dirty: [string, SymbolEntry, number][] = [];
    for (const [symbol, e] of this.symbols) {
      const position = this.positions.position(e.partition);
      if (e.dirty && position !== undefined) dirty.push([symbol, e, position]);
    }
    if (dirty.length === 0) return;
    const records = dirty.map(([symbol, e, position]) => {
      const floats = e.computable.toFloats();
      // Little-endian float64s on every platform Node runs on.
      const body = Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
      const value: StateCheckpoint = {
        stage: STAGE,
        key: symbol,
        position,
        savedAt: now,
        format: CHECKPOINT_FORMAT,
        body,
      };
      return { key: symbol, value };
    });
    // Cleared before the send: a change that arrives while it is in flight goes with the next round.
    for (const [, e] of dirty) e.dirty = false;
    // Sent in chunks under the broker's default max.message.bytes (1 MB): at the full universe one
    // round is ~2,000 checkpoints of ~10 KB, which Kafka refuses as one batch.
    let from = 0;
    while (from < records.length) {
      let to = from;
      let bytes = 0;
      while (
        to < records.length &&
        (to === from || bytes + (records[to]?.value.body.length ?? 0) < CHECKPOINT_BATCH_BYTES)
      ) {
        bytes += (records[to]?.value.body.length ?? 0) + 64;
        to++;
      }
      try {
        await this.deps.bus.publish(TOPICS.psychState, records.slice(from, to));
      } catch (err) {
        for (const [, e] of dirty.slice(from)) e.dirty = true;
        throw err;
      }
      from = to;
    }
    this.deps.logger.debug({ symbols: records.length }, 'psych checkpoint written');
  }

  private entry(symbol: string, partition: number): SymbolEntry {
    let e = this.symbols.get(symbol);
    if (e === undefined) {
      e = {
        computable: new PsychComputable(this.params),
        emitted: -Infinity,
        partition,
        dirty: false,
        fromCheckpoint: false,
      };
      this.symbols.set(symbol, e);
    }
    e.partition = partition;
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
        // The hysteresis memory is state too: the next checkpoint must carry it.
        e.dirty = true;
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
    await this.checkpointLoop?.stop();
  }
}

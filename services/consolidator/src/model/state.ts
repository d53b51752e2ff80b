import {
  UnifiedSourceValues,
  type FuturesTicker,
  type GapProduct,
  type OptionContract,
  type OptionsChain,
  type PsychState,
  type QuantumScore,
  type SpotTicker,
  type SronaReport,
  type UnifiedOptions,
  type UnifiedSource,
} from '@marketpipe/contracts';

/** A source record as the join holds it: the record, its exchange time and when it arrived here. */
export interface Held<T> {
  record: T;
  eventTime: number;
  /**
   * Exchange time the record is as fresh as, which its age is measured from: its eventTime, or for
   * a derived record (psych, srona) the oldest input it used, so an analysis of a stopped feed turns
   * stale with that feed.
   */
  asOf: number;
  receivedAt: number;
}

/** A derived record is as fresh as its oldest input, never fresher than its own eventTime. */
function derivedAsOf(r: { eventTime: number; oldestInputTime: number | null }): number {
  return r.oldestInputTime !== null && r.oldestInputTime < r.eventTime ? r.oldestInputTime : r.eventTime;
}

export interface NearMoneyOptions {
  /** Nearest expiries kept. */
  expiries: number;
  /** Strikes within this relative distance of the index (0.05 = ±5 %). */
  maxDistance: number;
  /** Cap on contracts kept (nearest strikes first). */
  maxContracts: number;
}

export const DEFAULT_NEAR_MONEY: NearMoneyOptions = { expiries: 2, maxDistance: 0.05, maxContracts: 40 };

/**
 * The contracts near the money of a chain: the nearest expiries, strikes within a band around the
 * index, nearest first, capped. The unified record carries these and the summary, not the full
 * chain (hundreds of contracts per underlying).
 */
export function nearMoney(chain: OptionsChain, o: NearMoneyOptions = DEFAULT_NEAR_MONEY): OptionContract[] {
  const index = chain.indexPrice;
  const expiries = [...new Set(chain.contracts.map((c) => c.expiryTime))].sort((a, b) => a - b).slice(0, o.expiries);
  const keep = new Set(expiries);
  return chain.contracts
    .filter((c) => keep.has(c.expiryTime) && Math.abs(c.strike / index - 1) <= o.maxDistance)
    .sort((a, b) => Math.abs(a.strike - index) - Math.abs(b.strike - index) || a.expiryTime - b.expiryTime)
    .slice(0, o.maxContracts)
    .sort(
      (a, b) =>
        a.expiryTime - b.expiryTime || a.strike - b.strike || (a.side === b.side ? 0 : a.side === 'CALL' ? -1 : 1),
    );
}

export function unifiedOptions(chain: OptionsChain, o: NearMoneyOptions = DEFAULT_NEAR_MONEY): UnifiedOptions {
  return {
    underlying: chain.underlying,
    eventTime: chain.eventTime,
    captureTime: chain.captureTime,
    indexPrice: chain.indexPrice,
    summary: chain.summary,
    nearMoney: nearMoney(chain, o),
  };
}

/**
 * The latest record of each source for one symbol. A record replaces the held one only when its
 * eventTime is newer: duplicates, replays and out-of-order deliveries never move state backwards.
 * `version` counts accepted changes so the emitter can tell which symbols changed since their last
 * emit.
 */
export class SymbolState {
  spot: Held<SpotTicker> | null = null;
  futures: Held<FuturesTicker> | null = null;
  options: Held<UnifiedOptions> | null = null;
  quantum: Held<QuantumScore> | null = null;
  psych: Held<PsychState> | null = null;
  srona: Held<SronaReport> | null = null;
  version = 0;
  emittedVersion = 0;
  /** Which sources were stale in the last emitted record (bit i = UnifiedSourceValues[i]). */
  emittedStaleMask = 0;
  /** The gap marks of the last emitted record (marksKey). */
  emittedGapKey = '';
  /** Kafka partition the symbol's records come from (all topics are co-partitioned by symbol). */
  partition = -1;

  constructor(readonly symbol: string) {}

  private accept<T>(
    held: Held<T> | null,
    record: T,
    eventTime: number,
    receivedAt: number,
    asOf = eventTime,
  ): Held<T> | null {
    if (held !== null && eventTime <= held.eventTime) return null;
    this.version++;
    return { record, eventTime, asOf, receivedAt };
  }

  applySpot(r: SpotTicker, receivedAt: number): boolean {
    const next = this.accept(this.spot, r, r.eventTime, receivedAt);
    if (next !== null) this.spot = next;
    return next !== null;
  }

  applyFutures(r: FuturesTicker, receivedAt: number): boolean {
    const next = this.accept(this.futures, r, r.eventTime, receivedAt);
    if (next !== null) this.futures = next;
    return next !== null;
  }

  applyOptions(r: OptionsChain, receivedAt: number, o?: NearMoneyOptions): boolean {
    if (this.options !== null && r.eventTime <= this.options.eventTime) return false;
    this.options = { record: unifiedOptions(r, o), eventTime: r.eventTime, asOf: r.eventTime, receivedAt };
    this.version++;
    return true;
  }

  applyQuantum(r: QuantumScore, receivedAt: number): boolean {
    const next = this.accept(this.quantum, r, r.eventTime, receivedAt);
    if (next !== null) this.quantum = next;
    return next !== null;
  }

  applyPsych(r: PsychState, receivedAt: number): boolean {
    const next = this.accept(this.psych, r, r.eventTime, receivedAt, derivedAsOf(r));
    if (next !== null) this.psych = next;
    return next !== null;
  }

  applySrona(r: SronaReport, receivedAt: number): boolean {
    const next = this.accept(this.srona, r, r.eventTime, receivedAt, derivedAsOf(r));
    if (next !== null) this.srona = next;
    return next !== null;
  }

  /** Bit i set when source i is held and older than staleMs at `now` (bit order of UnifiedSourceValues). */
  staleMask(now: number, staleMs: number): number {
    let mask = 0;
    for (let i = 0; i < UnifiedSourceValues.length; i++) {
      const held = this.held(UnifiedSourceValues[i] as UnifiedSource);
      if (held !== null && now - held.asOf > staleMs) mask |= 1 << i;
    }
    return mask;
  }

  /**
   * A new record arrived, or a source crossed the stale threshold, since the last emit. The second
   * matters when inputs stop (a Kafka or capture outage): the snapshot must turn stale by itself,
   * not keep saying "fresh" until its key expires.
   */
  changedSinceEmit(now: number, staleMs: number): boolean {
    return this.version !== this.emittedVersion || this.staleMask(now, staleMs) !== this.emittedStaleMask;
  }

  /** The captured products this symbol holds data of: the gaps that can concern it. */
  products(): GapProduct[] {
    const out: GapProduct[] = [];
    if (this.spot !== null) out.push('SPOT');
    if (this.futures !== null) out.push('FUTURES');
    if (this.options !== null) out.push('OPTIONS');
    return out;
  }

  held(source: UnifiedSource): Held<unknown> | null {
    switch (source) {
      case 'SPOT':
        return this.spot;
      case 'FUTURES':
        return this.futures;
      case 'OPTIONS':
        return this.options;
      case 'QUANTUM':
        return this.quantum;
      case 'PSYCH':
        return this.psych;
      case 'SRONA':
        return this.srona;
    }
  }
}

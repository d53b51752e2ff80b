import {
  UnifiedSourceValues,
  type SourceFreshness,
  type UnifiedGap,
  type UnifiedMarket,
  type UnifiedSource,
} from '@marketpipe/contracts';
import type { SymbolState } from './state';

export const UNIFIED_SCHEMA_VERSION = 1;
export const CONSOLIDATOR_SOURCE = 'consolidator';

export interface UnifiedOptionsConfig {
  /** A source older than this (emitTime − eventTime) is stale. */
  staleMs: number;
}

/**
 * The unified record of one symbol at `emitTime`: every source's latest record or null, each
 * source's age and stale flag (absent counts as stale), the share of fresh sources as confidence,
 * the time from the newest source's arrival to this emit, and the data gaps that mark the symbol.
 */
export function buildUnified(
  state: SymbolState,
  emitTime: number,
  config: UnifiedOptionsConfig,
  gaps: UnifiedGap[] = [],
): UnifiedMarket {
  const freshness: SourceFreshness[] = [];
  const present: UnifiedSource[] = [];
  let fresh = 0;
  let eventTime = 0;
  let newestArrival = 0;
  for (const source of UnifiedSourceValues) {
    const held = state.held(source);
    if (held === null) {
      freshness.push({ source, present: false, ageMs: null, stale: true });
      continue;
    }
    const ageMs = Math.max(0, emitTime - held.asOf);
    const stale = ageMs > config.staleMs;
    if (!stale) fresh++;
    present.push(source);
    freshness.push({ source, present: true, ageMs, stale });
    if (held.eventTime > eventTime) eventTime = held.eventTime;
    if (held.receivedAt > newestArrival) newestArrival = held.receivedAt;
  }
  return {
    symbol: state.symbol,
    eventTime,
    emitTime,
    source: CONSOLIDATOR_SOURCE,
    schemaVersion: UNIFIED_SCHEMA_VERSION,
    processingTimeMs: newestArrival === 0 ? 0 : Math.max(0, emitTime - newestArrival),
    spot: state.spot?.record ?? null,
    futures: state.futures?.record ?? null,
    options: state.options?.record ?? null,
    quantum: state.quantum?.record ?? null,
    psych: state.psych?.record ?? null,
    srona: state.srona?.record ?? null,
    freshness,
    sourcesPresent: present,
    confidence: fresh / UnifiedSourceValues.length,
    gaps,
  };
}

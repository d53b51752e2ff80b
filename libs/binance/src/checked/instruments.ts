import type { Mapped, Rejection } from './mapped';

/** A symbol present in exchangeInfo but left out of the instrument table because it is not TRADING. */
export interface SkippedSymbol {
  symbol: string;
  status: string;
}

/** What an exchangeInfo element maps to: a tradable instrument, or a symbol skipped for its status. */
export type InstrumentEntry<T> = { instrument: T } | { skipped: SkippedSymbol };

/**
 * The instrument table of an exchangeInfo body, keyed by symbol: skipped symbols listed apart,
 * a symbol listed twice rejected (the first one stands), element rejections carried over.
 */
export function instrumentTable<T extends { symbol: string }>(
  entries: Mapped<InstrumentEntry<T>>,
  endpoint: string,
): { instruments: Map<string, T>; skipped: SkippedSymbol[]; rejected: Rejection[] } {
  const instruments = new Map<string, T>();
  const skipped: SkippedSymbol[] = [];
  const rejected = entries.rejected;
  for (const entry of entries.records) {
    if ('skipped' in entry) {
      skipped.push(entry.skipped);
    } else if (instruments.has(entry.instrument.symbol)) {
      rejected.push({ endpoint, symbol: entry.instrument.symbol, reason: 'duplicate symbol' });
    } else {
      instruments.set(entry.instrument.symbol, entry.instrument);
    }
  }
  return { instruments, skipped, rejected };
}

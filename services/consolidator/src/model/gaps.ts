import type { DataGap, GapProduct, UnifiedGap } from '@marketpipe/contracts';

interface HeldGap {
  gap: DataGap;
  /** null: every symbol of the product. */
  symbols: ReadonlySet<string> | null;
}

/**
 * The data gaps the captures reported (market.gaps) that still mark symbols: not repaired, and
 * younger than the mark horizon — counted from the gap's end, or from its start while it is open,
 * so an open gap that never closes (a refused stream) stops marking after the horizon too, as it
 * leaves what a restart reads back. A later record of the same gap id replaces the earlier one.
 */
export class GapBook {
  private readonly held = new Map<string, HeldGap>();

  constructor(private readonly markMs: number) {}

  apply(gap: DataGap): void {
    const prev = this.held.get(gap.gapId);
    if (prev !== undefined && gap.emitTime < prev.gap.emitTime) return;
    this.held.set(gap.gapId, { gap, symbols: gap.symbols === null ? null : new Set(gap.symbols) });
  }

  /** Forgets gaps that no longer mark anything. */
  prune(now: number): void {
    for (const [id, h] of this.held) if (!this.marking(h.gap, now)) this.held.delete(id);
  }

  get size(): number {
    return this.held.size;
  }

  /** The gaps marking `symbol` at `now`, among the products it holds data of; oldest first. */
  marks(symbol: string, products: readonly GapProduct[], now: number): UnifiedGap[] {
    if (this.held.size === 0 || products.length === 0) return [];
    const out: UnifiedGap[] = [];
    for (const { gap, symbols } of this.held.values()) {
      if (!products.includes(gap.product) || !this.marking(gap, now)) continue;
      if (symbols !== null && !symbols.has(symbol)) continue;
      out.push({ gapId: gap.gapId, product: gap.product, cause: gap.cause, start: gap.start, end: gap.end });
    }
    return out.sort((a, b) => a.start - b.start || (a.gapId < b.gapId ? -1 : 1));
  }

  private marking(gap: DataGap, now: number): boolean {
    return !gap.repaired && now - (gap.end ?? gap.start) <= this.markMs;
  }
}

/** What tells one emitted set of marks from another. */
export function marksKey(marks: readonly UnifiedGap[]): string {
  return marks.map((g) => g.gapId).join('\u0000');
}

import type { GlobalMetrics, UnifiedMarket } from '@marketpipe/contracts';
import type { SnapshotStore } from './port';

/** The embedded mode's store: the same snapshots as Redis would hold, in process, for the HTTP API. */
export class MemorySnapshotStore implements SnapshotStore {
  readonly kind = 'memory' as const;
  readonly unified = new Map<string, UnifiedMarket>();
  global: GlobalMetrics | null = null;

  async write(unified: readonly UnifiedMarket[], global: GlobalMetrics | null): Promise<void> {
    for (const u of unified) this.unified.set(u.symbol, u);
    if (global !== null) this.global = global;
  }

  isReady(): boolean {
    return true;
  }

  onRecovered(): void {
    // never down
  }

  async close(): Promise<void> {
    // nothing held open
  }
}

import type { GlobalMetrics, UnifiedMarket } from '@marketpipe/contracts';

/** Where operators read the latest state: Redis in the distributed mode, memory in the embedded one. */
export interface SnapshotStore {
  readonly kind: 'redis' | 'memory';
  /** Writes one tick's snapshots (and the global metrics when given) as one batch. */
  write(unified: readonly UnifiedMarket[], global: GlobalMetrics | null): Promise<void>;
  /** Whether the store can take writes now (Redis connected). */
  isReady(): boolean;
  /** Called when the store came back after an outage: the caller rewrites the full snapshot. */
  onRecovered(listener: () => void): void;
  close(): Promise<void>;
}

/** Key layout, shared by the writer and by readers (tests, tools). */
export function snapshotKeys(prefix: string) {
  return {
    unified: (symbol: string) => `${prefix}unified:${symbol}`,
    symbols: `${prefix}symbols`,
    global: `${prefix}global`,
  };
}

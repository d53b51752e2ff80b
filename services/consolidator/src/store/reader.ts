import type { GlobalMetrics, UnifiedMarket } from '@marketpipe/contracts';
import type { Redis } from 'ioredis';
import { snapshotKeys } from './port';

/** What Redis holds for one symbol: the snapshot, or why there is none. */
export type SnapshotRead =
  { symbol: string; unified: UnifiedMarket } | { symbol: string; missing: 'expired' | 'unknown' };

/**
 * Reads the snapshots the consolidator writes, for operators and tools. A symbol listed in the
 * set whose key has expired is reported as expired, not skipped: a silent gap would read as
 * "no such market" when it means "the consolidator stopped writing it".
 */
export class SnapshotReader {
  private readonly keys: ReturnType<typeof snapshotKeys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = snapshotKeys(prefix);
  }

  async symbols(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.symbols)).sort();
  }

  async read(symbols: readonly string[]): Promise<SnapshotRead[]> {
    if (symbols.length === 0) return [];
    const known = new Set(await this.symbols());
    const values = await this.redis.mget(...symbols.map((s) => this.keys.unified(s)));
    return symbols.map((symbol, i) => {
      const raw = values[i];
      if (raw === null || raw === undefined) return { symbol, missing: known.has(symbol) ? 'expired' : 'unknown' };
      return { symbol, unified: parseJson<UnifiedMarket>(raw, this.keys.unified(symbol)) };
    });
  }

  async readAll(): Promise<SnapshotRead[]> {
    return this.read(await this.symbols());
  }

  async global(): Promise<GlobalMetrics | null> {
    const raw = await this.redis.get(this.keys.global);
    return raw === null ? null : parseJson<GlobalMetrics>(raw, this.keys.global);
  }
}

function parseJson<T>(raw: string, key: string): T {
  try {
    return JSON.parse(raw) as T;
  } catch (err) {
    throw new Error(`Redis key ${key} does not hold JSON: ${(err as Error).message}`, { cause: err });
  }
}

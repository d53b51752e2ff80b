import type { GlobalMetrics, UnifiedMarket } from '@marketpipe/contracts';
import type { Logger } from '@marketpipe/runtime';
import { Redis, type RedisOptions } from 'ioredis';
import { snapshotKeys, type SnapshotStore } from './port';

export interface RedisStoreOptions {
  url: string;
  prefix: string;
  /** Keys expire this long after the last write, so a stopped consolidator leaves no snapshot that looks current. */
  ttlSeconds: number;
  logger: Logger;
  username?: string | undefined;
  password?: string | undefined;
  tls?: boolean;
}

/**
 * Snapshots in Redis: `<prefix>unified:<SYMBOL>` (JSON, one GET), `<prefix>symbols` (set) and
 * `<prefix>global` (JSON), all written in one pipeline per tick with an expiry. Commands fail fast
 * while Redis is down (no offline queue: a backlog of stale snapshots replayed later would be
 * worse than a gap); when Redis returns, listeners are told so the full snapshot is rewritten.
 */
export class RedisSnapshotStore implements SnapshotStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly keys: ReturnType<typeof snapshotKeys>;
  private ready = false;
  private wasDown = false;
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly options: RedisStoreOptions) {
    this.keys = snapshotKeys(options.prefix);
    const redisOptions: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      // Reconnect forever, at most every 2 s: the consolidator outlives Redis outages.
      retryStrategy: (times) => Math.min(2_000, 100 * times),
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(options.tls === true ? { tls: {} } : {}),
    };
    this.redis = new Redis(options.url, redisOptions);
    this.redis.on('ready', () => {
      this.ready = true;
      if (this.wasDown) {
        this.wasDown = false;
        options.logger.info('Redis is back: rewriting the full snapshot');
        for (const l of this.listeners) l();
      }
    });
    this.redis.on('close', () => {
      if (this.ready) options.logger.warn('Redis connection lost; snapshots resume when it returns');
      if (this.ready) this.wasDown = true;
      this.ready = false;
    });
    this.redis.on('error', (err: Error) => options.logger.debug({ err: err.message }, 'redis error'));
  }

  async connect(): Promise<void> {
    await this.redis.connect();
  }

  isReady(): boolean {
    return this.ready;
  }

  onRecovered(listener: () => void): void {
    this.listeners.push(listener);
  }

  async write(unified: readonly UnifiedMarket[], global: GlobalMetrics | null): Promise<void> {
    if (!this.ready) throw new Error('Redis is not connected');
    const ttl = this.options.ttlSeconds;
    const p = this.redis.pipeline();
    for (const u of unified) p.set(this.keys.unified(u.symbol), JSON.stringify(u), 'EX', ttl);
    if (unified.length > 0) {
      p.sadd(this.keys.symbols, ...unified.map((u) => u.symbol));
      p.expire(this.keys.symbols, ttl);
    }
    if (global !== null) p.set(this.keys.global, JSON.stringify(global), 'EX', ttl);
    const results = await p.exec();
    const failed = results?.find(([err]) => err !== null);
    if (failed !== undefined && failed[0] !== null) throw failed[0];
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

import { hostname } from 'node:os';
import { bool, defineConfig, int, num, str, url, type ConfigOf } from '@marketpipe/runtime';

/** The join and emit settings, shared by the distributed service and the embedded mode. */
export const CONSOLIDATOR_CONFIG = defineConfig({
  CONSOLIDATOR_TICK_MS: {
    doc: 'Emit cadence: one unified record per changed symbol per tick, ms',
    parse: int({ min: 10 }),
    default: '100',
  },
  CONSOLIDATOR_STALE_MS: {
    doc: 'A source older than this (emit time − event time) is flagged stale, ms',
    parse: int({ min: 100 }),
    default: '10000',
  },
  CONSOLIDATOR_CACHE_MAX_SYMBOLS: {
    doc: 'Symbols held in the LRU join cache',
    parse: int({ min: 1 }),
    default: '10000',
  },
  CONSOLIDATOR_CACHE_TTL_MS: {
    doc: 'A symbol with no update for this long leaves the cache, ms',
    parse: int({ min: 1000 }),
    default: '900000',
  },
  CONSOLIDATOR_GAP_MARK_MS: {
    doc: 'An unrepaired data gap (market.gaps) marks its symbols in unified records for this long after it ends, ms',
    parse: int({ min: 1000 }),
    default: '900000',
  },
  CONSOLIDATOR_GLOBAL_INTERVAL_MS: {
    doc: 'Cadence of the global metrics, ms',
    parse: int({ min: 100 }),
    default: '1000',
  },
  CONSOLIDATOR_NEAR_MONEY_EXPIRIES: {
    doc: 'Nearest option expiries carried in the unified record',
    parse: int({ min: 1, max: 20 }),
    default: '2',
  },
  CONSOLIDATOR_NEAR_MONEY_DISTANCE: {
    doc: 'Strikes within this share of the index are near the money (0.05 = ±5 %)',
    parse: num({ min: 0, max: 1 }),
    default: '0.05',
  },
  CONSOLIDATOR_NEAR_MONEY_MAX: {
    doc: 'Cap on near-the-money contracts per unified record',
    parse: int({ min: 0, max: 1000 }),
    default: '40',
  },
  CONSOLIDATOR_INSTANCE_ID: {
    doc: 'Name of this instance in the global metrics (default: the host name)',
    parse: str(),
    default: hostname(),
  },
});

/** Redis settings of the distributed mode. */
export const REDIS_CONFIG = defineConfig({
  REDIS_URL: { doc: 'Redis URL (redis:// or rediss://)', parse: url(['redis', 'rediss']) },
  REDIS_USERNAME: { doc: 'Redis ACL user', parse: str(), optional: true },
  REDIS_PASSWORD: { doc: 'Redis password', parse: str(), optional: true, secret: true },
  REDIS_TLS: { doc: 'Connect to Redis over TLS', parse: bool(), default: 'false' },
  REDIS_PREFIX: { doc: 'Prefix of every key written', parse: str(), default: 'marketpipe:' },
  REDIS_TTL_SECONDS: {
    doc: 'Snapshot keys expire this long after the last write',
    parse: int({ min: 1 }),
    default: '60',
  },
});

export type ConsolidatorConfig = ConfigOf<typeof CONSOLIDATOR_CONFIG>;
export type RedisConfig = ConfigOf<typeof REDIS_CONFIG>;

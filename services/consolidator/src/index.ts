export { CONSOLIDATOR_CONFIG, REDIS_CONFIG, type ConsolidatorConfig, type RedisConfig } from './config';
export { mergeGlobal, partialAggregate, regimeOf } from './model/global';
export { nearMoney, SymbolState, unifiedOptions, type NearMoneyOptions } from './model/state';
export { buildUnified, CONSOLIDATOR_SOURCE, UNIFIED_SCHEMA_VERSION } from './model/unified';
export { ConsolidatorService, INPUT_TOPICS, type ConsolidatorDeps } from './service';
export { MemorySnapshotStore } from './store/memory';
export { snapshotKeys, type SnapshotStore } from './store/port';
export { RedisSnapshotStore, type RedisStoreOptions } from './store/redis';

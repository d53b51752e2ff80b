// The consolidator on real Kafka, the registry and Redis: snapshots in Redis and Avro records any
// Confluent-compatible consumer decodes; a restart emits complete records; a Redis outage ends in a
// full rewrite; two instances split the symbols and their global metrics merge exactly.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { KafkaBus, KAFKA_CONFIG, type BusMessage } from '@marketpipe/bus';
import {
  CONSOLIDATOR_CONFIG,
  ConsolidatorService,
  mergeGlobal,
  RedisSnapshotStore,
  snapshotKeys,
} from '@marketpipe/consolidator';
import { contractViolation, type GlobalMetrics, type UnifiedMarket } from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  futuresTicker,
  optionsChain,
  psychState,
  quantumScore,
  spotTicker,
  sronaReport,
  stamped,
} from '../libs/contracts/test/samples';
import { eventually, sleep } from './wait';

const logger = createLogger('consolidator-itest', 'silent');

function kafkaBus(clientId: string): KafkaBus {
  return new KafkaBus({
    config: parseConfig(KAFKA_CONFIG, { ...process.env, KAFKA_TOPIC_PARTITIONS: '3' }),
    clientId,
    logger,
  });
}

async function publishAll(bus: KafkaBus, symbol: string, t: number): Promise<void> {
  await bus.publish('market.spot.ticker', [{ key: symbol, value: { ...spotTicker(symbol), eventTime: t } }]);
  await bus.publish('market.futures.ticker', [{ key: symbol, value: { ...futuresTicker(symbol), eventTime: t } }]);
  await bus.publish('market.options.chain', [{ key: symbol, value: { ...optionsChain(symbol), eventTime: t } }]);
  await bus.publish('analytics.quantum', [{ key: symbol, value: { ...quantumScore(symbol), eventTime: t } }]);
  await bus.publish('analytics.psych', [{ key: symbol, value: stamped(psychState(symbol), t) }]);
  await bus.publish('analytics.srona', [{ key: symbol, value: stamped(sronaReport(symbol), t) }]);
}

function consolidator(
  bus: KafkaBus,
  store: RedisSnapshotStore,
  groupId: string,
  instance: string,
): ConsolidatorService {
  return new ConsolidatorService({
    bus,
    store,
    logger,
    metrics: new Registry(),
    config: parseConfig(CONSOLIDATOR_CONFIG, {
      CONSOLIDATOR_INSTANCE_ID: instance,
      CONSOLIDATOR_GLOBAL_INTERVAL_MS: '200',
      // The restore reads back one cache TTL. Instances started seconds apart compare market-wide
      // counts, so no record of the shared topics may cross that horizon in between: a day does.
      CONSOLIDATOR_CACHE_TTL_MS: '86400000',
    }),
    groupId,
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}

describe('consolidator on Kafka, the registry and Redis', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  const prefix = `mp-test-${run}:`;
  let bus: KafkaBus;
  let redis: Redis;

  beforeAll(async () => {
    bus = kafkaBus('consolidator-itest');
    await bus.start();
    redis = new Redis(process.env['REDIS_URL'] as string);
  });
  afterAll(async () => {
    redis.disconnect();
    await bus.stop();
  });

  it('writes a complete, fresh snapshot to Redis and unified-market records a plain Confluent consumer decodes', async () => {
    const symbol = `X${run}A`;
    const groupId = `cons-${randomUUID()}`;
    const store = new RedisSnapshotStore({ url: process.env['REDIS_URL'] as string, prefix, ttlSeconds: 60, logger });
    await store.connect();
    const service = consolidator(bus, store, groupId, 'c0');
    const controller = new AbortController();
    await service.start(controller.signal);
    const started = Date.now();
    await publishAll(bus, symbol, Date.now());
    const keys = snapshotKeys(prefix);
    // The six records arrive one by one and each change is emitted: wait for the complete one.
    const snapshot = await eventually('the complete Redis snapshot', async () => {
      const text = await redis.get(keys.unified(symbol));
      const u = text === null ? undefined : (JSON.parse(text) as UnifiedMarket);
      return u !== undefined && u.sourcesPresent.length === 6 ? u : undefined;
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(snapshot.sourcesPresent).toEqual(['SPOT', 'FUTURES', 'OPTIONS', 'QUANTUM', 'PSYCH', 'SRONA']);
    expect(snapshot.freshness.every((f) => f.present && !f.stale)).toBe(true);
    expect(await redis.sismember(keys.symbols, symbol)).toBe(1);
    expect(await redis.ttl(keys.unified(symbol))).toBeGreaterThan(0);
    // A consumer that knows nothing of marketpipe: kafkajs + the Confluent registry client.
    const kafka = new Kafka({
      clientId: 'plain',
      brokers: (process.env['KAFKA_BROKERS'] as string).split(','),
      logLevel: logLevel.NOTHING,
    });
    const plain = kafka.consumer({ groupId: `plain-${randomUUID()}`, maxWaitTimeInMs: 500 });
    const registry = new SchemaRegistry({ host: process.env['SCHEMA_REGISTRY_URL'] as string });
    let decoded: UnifiedMarket | undefined;
    await plain.connect();
    await plain.subscribe({ topic: 'unified-market', fromBeginning: true });
    await plain.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === symbol && message.value !== null)
          decoded = (await registry.decode(message.value)) as UnifiedMarket;
      },
    });
    await eventually('the unified-market record', () => decoded);
    await plain.disconnect();
    expect(contractViolation('unified-market', decoded)).toBeUndefined();
    expect(decoded?.symbol).toBe(symbol);
    controller.abort();
    await service.stop();
    await store.close();
  });

  it('emits a complete first record after a restart', async () => {
    const symbol = `X${run}B`;
    const groupId = `cons-${randomUUID()}`;
    const store = new RedisSnapshotStore({ url: process.env['REDIS_URL'] as string, prefix, ttlSeconds: 60, logger });
    await store.connect();
    await publishAll(bus, symbol, Date.now());
    const first = consolidator(bus, store, groupId, 'c0');
    const c1 = new AbortController();
    await first.start(c1.signal);
    await eventually('the first instance to hold the symbol', () =>
      first.symbols().includes(symbol) ? true : undefined,
    );
    c1.abort();
    await first.stop();
    const out: UnifiedMarket[] = [];
    const watch = await bus.subscribe({
      groupId: `watch-${randomUUID()}`,
      topics: ['unified-market'],
      handler: (m: BusMessage) => void (m.topic === 'unified-market' && m.key === symbol && out.push(m.value)),
    });
    await bus.publish('market.spot.ticker', [
      { key: symbol, value: { ...spotTicker(symbol), eventTime: Date.now() + 1 } },
    ]);
    const second = consolidator(bus, store, groupId, 'c0');
    const c2 = new AbortController();
    await second.start(c2.signal);
    await eventually('a record after the restart', () => out[0]);
    expect(out[0]?.sourcesPresent).toHaveLength(6);
    c2.abort();
    await second.stop();
    await watch.stop();
    await store.close();
  });

  it('rewrites the snapshot after a 20 s Redis outage without stopping', async () => {
    const port = await freePort();
    let server = startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const local = new Redis(url, { lazyConnect: true, retryStrategy: () => 200 });
    await eventually('the private Redis', async () =>
      (await local.connect().then(
        () => 'up',
        () => undefined,
      ))
        ? true
        : undefined,
    );
    const symbol = `X${run}C`;
    const store = new RedisSnapshotStore({ url, prefix, ttlSeconds: 300, logger });
    await store.connect();
    const service = consolidator(bus, store, `cons-${randomUUID()}`, 'c0');
    const controller = new AbortController();
    await service.start(controller.signal);
    await publishAll(bus, symbol, Date.now());
    const key = snapshotKeys(prefix).unified(symbol);
    await eventually('the first snapshot', async () => (await local.get(key)) ?? undefined);
    server.kill('SIGKILL');
    await sleep(20_000);
    server = startRedis(port); // comes back empty: nothing persisted
    const rewritten = await eventually(
      'the rewritten snapshot',
      async () => (await local.get(key).catch(() => null)) ?? undefined,
      20_000,
    );
    expect((JSON.parse(rewritten) as UnifiedMarket).sourcesPresent).toHaveLength(6);
    controller.abort();
    await service.stop();
    await store.close();
    local.disconnect();
    server.kill('SIGKILL');
  }, 90_000);

  it('splits the symbols between two instances and their global metrics merge to one instance’s', async () => {
    const symbols = Array.from({ length: 12 }, (_, i) => `X${run}D${i}`);
    const t = Date.now();
    for (const s of symbols) await publishAll(bus, s, t);
    const groupId = `cons-${randomUUID()}`;
    const buses = [kafkaBus('cons-a'), kafkaBus('cons-b')];
    const stores = buses.map(
      () =>
        new RedisSnapshotStore({
          url: process.env['REDIS_URL'] as string,
          prefix: `${prefix}two:`,
          ttlSeconds: 60,
          logger,
        }),
    );
    const controller = new AbortController();
    const services = buses.map((b, i) => consolidator(b, stores[i] as RedisSnapshotStore, groupId, `c${i}`));
    for (let i = 0; i < 2; i++) {
      await buses[i]?.start();
      await stores[i]?.connect();
      await services[i]?.start(controller.signal);
    }
    // Both members joined and the partitions are split once each holds a disjoint part of the symbols.
    const held = await eventually(
      'both instances to hold their share',
      () => {
        const sets = services.map((s) => new Set(s.symbols().filter((x) => symbols.includes(x))));
        const total = (sets[0]?.size ?? 0) + (sets[1]?.size ?? 0);
        return total === symbols.length && (sets[0]?.size ?? 0) > 0 && (sets[1]?.size ?? 0) > 0 ? sets : undefined;
      },
      60_000,
    );
    for (const s of symbols) expect(Number(held[0]?.has(s)) + Number(held[1]?.has(s))).toBe(1);
    const globals = new Map<string, GlobalMetrics>();
    const watch = await bus.subscribe({
      groupId: `watch-${randomUUID()}`,
      topics: ['unified-market.global'],
      handler: (m) =>
        void (m.topic === 'unified-market.global' && (m.key === 'c0' || m.key === 'c1') && globals.set(m.key, m.value)),
    });
    await eventually('both partial aggregates', () => (globals.size === 2 ? true : undefined));
    const merged = mergeGlobal([...globals.values()]);
    // Every partition exactly once, however many the topics were created with (3 here unless
    // another suite or `marketpipe topics --create` made them first).
    const admin = new Kafka({
      brokers: (process.env['KAFKA_BROKERS'] as string).split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: ['market.spot.ticker'] });
    await admin.disconnect();
    const count = meta.topics[0]?.partitions.length ?? 0;
    expect(merged.partitions).toEqual(Array.from({ length: count }, (_, i) => i));
    // One instance alone, on the same topics, computes the same market-wide numbers.
    const soloStore = new RedisSnapshotStore({
      url: process.env['REDIS_URL'] as string,
      prefix: `${prefix}solo:`,
      ttlSeconds: 60,
      logger,
    });
    await soloStore.connect();
    const solo = consolidator(bus, soloStore, `cons-${randomUUID()}`, 'solo');
    const soloGlobal: GlobalMetrics[] = [];
    const watchSolo = await bus.subscribe({
      groupId: `watch-${randomUUID()}`,
      topics: ['unified-market.global'],
      handler: (m) => void (m.topic === 'unified-market.global' && m.key === 'solo' && soloGlobal.push(m.value)),
    });
    await solo.start(controller.signal);
    const single = await eventually('the single instance aggregate', () => soloGlobal.at(-1));
    expect(merged.symbolCount).toBe(single.symbolCount);
    expect(merged.spotCount).toBe(single.spotCount);
    expect(merged.quantumCount).toBe(single.quantumCount);
    expect(merged.psychStateCounts).toEqual(single.psychStateCounts);
    // Equal up to the order of floating-point summation.
    expect(Math.abs(merged.quoteVolumeSum - single.quoteVolumeSum) / single.quoteVolumeSum).toBeLessThan(1e-12);
    expect(merged.averagePriceChangePercent ?? 0).toBeCloseTo(single.averagePriceChangePercent ?? 0, 9);
    expect(merged.averageQuantumScore ?? 0).toBeCloseTo(single.averageQuantumScore ?? 0, 9);
    expect(merged.regime).toBe(single.regime);
    await watchSolo.stop();
    await solo.stop();
    await soloStore.close();
    controller.abort();
    await watch.stop();
    for (const s of services) await s.stop();
    for (const s of stores) await s.close();
    for (const b of buses) await b.stop();
  }, 120_000);
});

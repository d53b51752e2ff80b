// A Kafka outage under a running consolidator, on a broker of this test's own (stopping the shared
// one would break the suites running beside it): the Redis snapshot turns stale by age while
// Kafka is gone, no process exits, and when Kafka returns the consolidator resumes with every
// source it held, publishing each state once.
import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { KafkaBus, KAFKA_CONFIG } from '@marketpipe/bus';
import { CONSOLIDATOR_CONFIG, ConsolidatorService, RedisSnapshotStore, snapshotKeys } from '@marketpipe/consolidator';
import type { UnifiedMarket } from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
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
import { freePortPair, OwnKafka } from './own-kafka';
import { eventually, sleep } from './wait';

const logger = createLogger('kafka-outage-itest', 'silent');
const STALE_MS = 3_000;

function bit(u: UnifiedMarket): string {
  return u.freshness.map((f) => (f.stale ? '1' : '0')).join('');
}

describe('a Kafka outage under the consolidator', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  const symbol = `OUT${run}USDT`;
  const prefix = `mp-outage-${run}:`;
  let kafka: OwnKafka;

  beforeAll(async () => {
    kafka = new OwnKafka(await freePortPair());
    await kafka.up();
  });
  afterAll(async () => {
    await kafka.down().catch(() => undefined);
    kafka.remove();
  });

  it('keeps Redis honest while Kafka is down and resumes without losing or duplicating state', async () => {
    const brokers = `127.0.0.1:${kafka.port}`;
    const env = { ...process.env, KAFKA_BROKERS: brokers, KAFKA_TOPIC_PARTITIONS: '1' };
    const busOf = (clientId: string) => new KafkaBus({ config: parseConfig(KAFKA_CONFIG, env), clientId, logger });
    const redisUrl = process.env['REDIS_URL'] as string;
    const store = new RedisSnapshotStore({ url: redisUrl, prefix, ttlSeconds: 120, logger });
    await store.connect();
    const redis = new Redis(redisUrl);
    const snapshot = async (): Promise<UnifiedMarket | undefined> => {
      const raw = await redis.get(snapshotKeys(prefix).unified(symbol));
      return raw === null ? undefined : (JSON.parse(raw) as UnifiedMarket);
    };

    const publisher = busOf('outage-publisher');
    await publisher.start();
    const t0 = Date.now();
    const at = <T extends { eventTime: number }>(v: T): T => stamped(v, t0);
    await publisher.publish('market.spot.ticker', [{ key: symbol, value: at(spotTicker(symbol)) }]);
    await publisher.publish('market.futures.ticker', [{ key: symbol, value: at(futuresTicker(symbol)) }]);
    await publisher.publish('market.options.chain', [{ key: symbol, value: at(optionsChain(symbol)) }]);
    await publisher.publish('analytics.quantum', [{ key: symbol, value: at(quantumScore(symbol)) }]);
    await publisher.publish('analytics.psych', [{ key: symbol, value: at(psychState(symbol)) }]);
    await publisher.publish('analytics.srona', [{ key: symbol, value: at(sronaReport(symbol)) }]);
    await publisher.stop();

    // As connectKafkaBus gives every service: static membership, so the consumer that restarts
    // after the outage takes its old member's place instead of waiting out its 30 s session.
    const bus = new KafkaBus({
      config: parseConfig(KAFKA_CONFIG, env),
      clientId: 'outage-consolidator',
      logger,
      groupInstanceId: `outage-${run}`,
    });
    await bus.start();
    const service = new ConsolidatorService({
      bus,
      store,
      logger,
      metrics: new Registry(),
      config: parseConfig(CONSOLIDATOR_CONFIG, {
        CONSOLIDATOR_STALE_MS: String(STALE_MS),
        CONSOLIDATOR_INSTANCE_ID: 'outage',
      }),
      groupId: `outage-${run}`,
    });
    const controller = new AbortController();
    const records: UnifiedMarket[] = []; // unified-market for the symbol, read once Kafka is back
    let consumer: Consumer | undefined;
    await service.start(controller.signal);
    try {
      const fresh = await eventually(
        'a fresh, complete snapshot',
        async () => {
          const u = await snapshot();
          return u?.confidence === 1 ? u : undefined;
        },
        30_000,
      );
      expect(fresh.sourcesPresent).toHaveLength(6);

      await kafka.down();
      const downAt = Date.now();
      // Nothing arrives, yet the snapshot must not keep saying "fresh" until its key expires.
      const stale = await eventually(
        'the snapshot to turn stale',
        async () => {
          const u = await snapshot();
          return u !== undefined && u.freshness.every((f) => f.stale) ? u : undefined;
        },
        STALE_MS + 10_000,
      );
      expect(stale.sourcesPresent).toHaveLength(6);
      expect(stale.confidence).toBe(0);
      expect(stale.emitTime - t0).toBeGreaterThan(STALE_MS);
      await sleep(Math.max(0, 6_000 - (Date.now() - downAt))); // a real outage, not a blip
      // /readyz's kafka check: not ready while the brokers are away.
      const down = await eventually(
        'the bus to report it cannot consume',
        async () => {
          const h = bus.health();
          return h.ok ? undefined : h;
        },
        20_000,
      );
      expect(down.detail).toMatch(/no fetch answered|publishing to/);

      await kafka.up();
      const upAt = Date.now();
      // A live capture again: a spot ticker every 500 ms, until one reaches Redis fresh.
      const back = busOf('outage-publisher-2');
      await back.start();
      let t1 = 0;
      let resumed: UnifiedMarket | undefined;
      try {
        resumed = await eventually(
          'a fresh spot record in Redis after the outage',
          async () => {
            t1 = Date.now();
            await back.publish('market.spot.ticker', [
              { key: symbol, value: { ...spotTicker(symbol), eventTime: t1, lastPrice: 1234.5 } },
            ]);
            await sleep(400);
            const u = await snapshot();
            const spot = u?.freshness.find((f) => f.source === 'SPOT');
            return u?.spot?.lastPrice === 1234.5 && spot?.stale === false ? u : undefined;
          },
          90_000,
        );
      } finally {
        await back.stop();
      }
      process.stderr.write(`[kafka-outage] fresh data in Redis ${Date.now() - upAt} ms after Kafka returned\n`);
      // Ready again by itself once the brokers answer (the consolidator's next publish succeeds).
      await eventually('the bus to report healthy again', async () => (bus.health().ok ? true : undefined), 30_000);
      // Nothing held before the outage was lost: the other five sources are still there (stale).
      expect(resumed.sourcesPresent).toHaveLength(6);
      expect(resumed.futures?.eventTime).toBe(t0);
      // What unified-market holds for the symbol: states in order, each published once.
      const plain = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING });
      const registry = new SchemaRegistry({ host: process.env['SCHEMA_REGISTRY_URL'] as string });
      consumer = plain.consumer({ groupId: `outage-reader-${run}` });
      await consumer.connect();
      await consumer.subscribe({ topic: 'unified-market', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() === symbol && message.value !== null)
            records.push((await registry.decode(message.value)) as UnifiedMarket);
        },
      });
      await eventually(
        'the unified records',
        async () => (records.some((r) => r.spot?.lastPrice === 1234.5) ? true : undefined),
        // A publish that was in flight when Kafka went away holds later ones until the producer's
        // next retry (at most 1 s apart, KAFKA_RETRY); Redis meanwhile is already current.
        30_000,
      );
    } finally {
      await consumer?.disconnect();
      controller.abort();
      await service.stop();
      await bus.stop();
      await store.close();
      redis.disconnect();
    }

    const states = records.map((r) => `${r.eventTime}/${bit(r)}`);
    expect(new Set(states).size).toBe(states.length);
    for (let i = 1; i < records.length; i++)
      expect((records[i] as UnifiedMarket).eventTime).toBeGreaterThanOrEqual(
        (records[i - 1] as UnifiedMarket).eventTime,
      );
    expect(records[0]?.confidence).toBe(1);
    expect(records.at(-1)?.sourcesPresent).toHaveLength(6);
  }, 240_000); // its own waits add up to more than the suite default: two broker starts, the stale and outage waits
});

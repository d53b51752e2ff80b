// The behaviour every Bus adapter must show. memory.test.ts and kafka.itest.ts run this same suite,
// so the embedded mode and the distributed mode cannot drift apart.
import { randomUUID } from 'node:crypto';
import { ALL_TOPICS, ContractError, type TopicName } from '@marketpipe/contracts';
import type { Bus, BusMessage } from '../src';
import { SAMPLES, spotTicker } from '../../contracts/test/samples';

export interface BusHarness {
  bus: Bus;
  /** Kafka keeps records of earlier runs; every test keys its records uniquely and filters by key. */
  teardown(): Promise<void>;
}

/** Collects the messages whose key is in `keys`, resolving when `count` have arrived. */
export function collector(keys: ReadonlySet<string>) {
  const received: BusMessage[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    received,
    handler: (m: BusMessage): void => {
      if (!keys.has(m.key)) return;
      received.push(m);
      for (const w of waiters) if (received.length >= w.count) w.resolve();
    },
    waitFor(count: number, timeoutMs = 30_000): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`received ${received.length} of ${count} records in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

export function uniqueKey(prefix = 'T'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function busContractSuite(name: string, makeHarness: () => Promise<BusHarness>): void {
  describe(`Bus contract: ${name}`, () => {
    let harness: BusHarness;
    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterAll(async () => {
      await harness.teardown();
    });

    it('delivers a published record of every topic to a subscriber from the beginning, equal to what was sent', async () => {
      const key = uniqueKey();
      const c = collector(new Set([key]));
      for (const topic of ALL_TOPICS) {
        await harness.bus.publish(topic, [{ key, value: SAMPLES[topic]() as never }]);
      }
      const sub = await harness.bus.subscribe({
        groupId: uniqueKey('g'),
        topics: ALL_TOPICS,
        fromBeginning: true,
        handler: c.handler,
      });
      await c.waitFor(ALL_TOPICS.length);
      await sub.stop();
      const byTopic = new Map(c.received.map((m) => [m.topic, m]));
      for (const topic of ALL_TOPICS) {
        expect(byTopic.get(topic)?.value).toEqual(SAMPLES[topic]());
        expect(byTopic.get(topic)?.key).toBe(key);
      }
    });

    it('keeps the order of records of one key', async () => {
      const key = uniqueKey();
      const c = collector(new Set([key]));
      const sub = await harness.bus.subscribe({
        groupId: uniqueKey('g'),
        topics: ['market.spot.ticker'],
        handler: c.handler,
      });
      const prices = [100, 101, 99.5, 102.25, 98];
      for (const p of prices)
        await harness.bus.publish('market.spot.ticker', [{ key, value: { ...spotTicker(key), lastPrice: p } }]);
      await c.waitFor(prices.length);
      await sub.stop();
      expect(c.received.map((m) => (m.topic === 'market.spot.ticker' ? m.value.lastPrice : NaN))).toEqual(prices);
    });

    it('delivers to a late subscriber without fromBeginning only what is published after it subscribed', async () => {
      const key = uniqueKey();
      const c = collector(new Set([key]));
      await harness.bus.publish('market.spot.ticker', [{ key, value: { ...spotTicker(key), lastPrice: 1 } }]);
      const sub = await harness.bus.subscribe({
        groupId: uniqueKey('g'),
        topics: ['market.spot.ticker'],
        handler: c.handler,
      });
      await harness.bus.publish('market.spot.ticker', [{ key, value: { ...spotTicker(key), lastPrice: 2 } }]);
      await c.waitFor(1);
      await sleep(300);
      await sub.stop();
      expect(c.received.map((m) => (m.topic === 'market.spot.ticker' ? m.value.lastPrice : NaN))).toEqual([2]);
    });

    it('rejects a batch holding an invalid record with a ContractError naming the field, and delivers none of it', async () => {
      const key = uniqueKey();
      const c = collector(new Set([key]));
      const sub = await harness.bus.subscribe({
        groupId: uniqueKey('g'),
        topics: ['market.spot.ticker'],
        handler: c.handler,
      });
      const good = spotTicker(key);
      const bad = { ...spotTicker(key), lastPrice: Number.NaN };
      await expect(
        harness.bus.publish('market.spot.ticker', [
          { key, value: good },
          { key, value: bad },
        ]),
      ).rejects.toThrow(new ContractError('market.spot.ticker', 'lastPrice: expected a finite double, got NaN'));
      // A later valid record arrives alone: the rejected batch left nothing behind.
      await harness.bus.publish('market.spot.ticker', [{ key, value: { ...good, lastPrice: 7 } }]);
      await c.waitFor(1);
      await sleep(300);
      await sub.stop();
      expect(c.received).toHaveLength(1);
      expect(c.received[0]?.value).toEqual({ ...good, lastPrice: 7 });
    });

    it('rejects a record published to a topic whose contract it does not match', async () => {
      const key = uniqueKey();
      await expect(
        harness.bus.publish('market.futures.ticker' as TopicName, [{ key, value: spotTicker(key) as never }]),
      ).rejects.toThrow(ContractError);
    });

    it('replays every retained record to a replaying subscriber and says when it has caught up', async () => {
      const key = uniqueKey();
      const c = collector(new Set([key]));
      const prices = [1, 2, 3];
      for (const p of prices)
        await harness.bus.publish('market.spot.ticker', [{ key, value: { ...spotTicker(key), lastPrice: p } }]);
      let caughtUpAt = -1;
      const sub = await harness.bus.subscribe({
        groupId: uniqueKey('g'),
        topics: ['market.spot.ticker'],
        replay: true,
        handler: c.handler,
        onCaughtUp: () => {
          if (caughtUpAt < 0) caughtUpAt = c.received.length;
        },
      });
      await c.waitFor(3);
      for (let i = 0; i < 300 && caughtUpAt < 0; i++) await sleep(100);
      await sub.stop();
      expect(c.received.map((m) => (m.topic === 'market.spot.ticker' ? m.value.lastPrice : NaN))).toEqual(prices);
      // Caught up only once everything that stood on the topic at subscription had been read.
      expect(caughtUpAt).toBe(3);
    });

    it("replays only the records inside a topic's lookback", async () => {
      const before = uniqueKey('before');
      const inside = uniqueKey('inside');
      await harness.bus.publish('market.spot.ticker', [{ key: before, value: spotTicker(before) }]);
      await sleep(1_500);
      await harness.bus.publish('market.spot.ticker', [{ key: inside, value: spotTicker(inside) }]);
      const c = collector(new Set([before, inside]));
      let caughtUp = false;
      const sub = await harness.bus.subscribe({
        groupId: uniqueKey('g'),
        topics: ['market.spot.ticker'],
        replay: true,
        lookbackMs: { 'market.spot.ticker': 1_000 },
        handler: c.handler,
        onCaughtUp: () => (caughtUp = true),
      });
      await c.waitFor(1);
      for (let i = 0; i < 300 && !caughtUp; i++) await sleep(100);
      await sub.stop();
      expect(caughtUp).toBe(true);
      expect(c.received.map((m) => m.key)).toEqual([inside]);
    });

    it('replays from the start again for a group that already committed its offsets', async () => {
      const key = uniqueKey();
      const groupId = uniqueKey('g');
      await harness.bus.publish('market.spot.ticker', [
        { key, value: { ...spotTicker(key), lastPrice: 1 } },
        { key, value: { ...spotTicker(key), lastPrice: 2 } },
      ]);
      const first = collector(new Set([key]));
      const sub1 = await harness.bus.subscribe({
        groupId,
        topics: ['market.spot.ticker'],
        fromBeginning: true,
        handler: first.handler,
      });
      await first.waitFor(2);
      await sleep(500);
      await sub1.stop();
      const second = collector(new Set([key]));
      const sub2 = await harness.bus.subscribe({
        groupId,
        topics: ['market.spot.ticker'],
        replay: true,
        handler: second.handler,
      });
      await second.waitFor(2);
      await sub2.stop();
      expect(second.received.map((m) => (m.topic === 'market.spot.ticker' ? m.value.lastPrice : NaN))).toEqual([1, 2]);
    });

    it('goes on delivering after a handler throws', async () => {
      const key = uniqueKey();
      const seen: number[] = [];
      const sub = await harness.bus.subscribe({
        groupId: uniqueKey('g'),
        topics: ['market.spot.ticker'],
        handler: (m) => {
          if (m.key !== key || m.topic !== 'market.spot.ticker') return;
          seen.push(m.value.lastPrice);
          if (m.value.lastPrice === 1) throw new Error('handler failure');
        },
      });
      await harness.bus.publish('market.spot.ticker', [
        { key, value: { ...spotTicker(key), lastPrice: 1 } },
        { key, value: { ...spotTicker(key), lastPrice: 2 } },
      ]);
      for (let i = 0; i < 300 && seen.length < 2; i++) await sleep(100);
      await sub.stop();
      expect(seen).toEqual([1, 2]);
    });
  });
}

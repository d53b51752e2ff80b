import { MemoryBus } from '../src';
import { spotTicker } from '../../contracts/test/samples';
import { busContractSuite, collector, uniqueKey } from './bus-contract';

busContractSuite('memory', async () => {
  const bus = new MemoryBus();
  await bus.start();
  return { bus, teardown: () => bus.stop() };
});

describe('MemoryBus', () => {
  it('keeps a bounded log and replays only what it retained', async () => {
    const bus = new MemoryBus({ retainPerTopic: 3 });
    const key = uniqueKey();
    for (let p = 1; p <= 5; p++)
      await bus.publish('market.spot.ticker', [{ key, value: { ...spotTicker(key), lastPrice: p } }]);
    const c = collector(new Set([key]));
    const sub = await bus.subscribe({
      groupId: 'g',
      topics: ['market.spot.ticker'],
      fromBeginning: true,
      handler: c.handler,
    });
    await c.waitFor(3);
    await sub.stop();
    expect(c.received.map((m) => (m.topic === 'market.spot.ticker' ? m.value.lastPrice : 0))).toEqual([3, 4, 5]);
  });

  it('tells which group lost how many records when it fell behind the retained log', async () => {
    const skipped: string[] = [];
    const bus = new MemoryBus({
      retainPerTopic: 3,
      onSkipped: (group, topic, count) => skipped.push(`${group} ${topic} ${count}`),
    });
    const key = uniqueKey();
    const c = collector(new Set([key]));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    // A slow member: stuck in its first record while five more are published.
    const sub = await bus.subscribe({
      groupId: 'slow',
      topics: ['market.spot.ticker'],
      handler: async (m) => {
        await gate;
        await c.handler(m);
      },
    });
    await bus.publish('market.spot.ticker', [{ key, value: { ...spotTicker(key), lastPrice: 1 } }]);
    await new Promise((r) => setTimeout(r, 10));
    for (let p = 2; p <= 6; p++)
      await bus.publish('market.spot.ticker', [{ key, value: { ...spotTicker(key), lastPrice: p } }]);
    release();
    await c.waitFor(4);
    await sub.stop();
    expect(c.received.map((m) => (m.topic === 'market.spot.ticker' ? m.value.lastPrice : 0))).toEqual([1, 4, 5, 6]);
    expect(skipped).toEqual(['slow market.spot.ticker 2']);
  });

  it('refuses a second member in one consumer group rather than splitting silently', async () => {
    const bus = new MemoryBus();
    await bus.subscribe({ groupId: 'g', topics: ['market.spot.ticker'], handler: () => undefined });
    await expect(
      bus.subscribe({ groupId: 'g', topics: ['market.spot.ticker'], handler: () => undefined }),
    ).rejects.toThrow('consumer group g already has a member');
  });

  it('reports handler failures to its error hook', async () => {
    const failures: string[] = [];
    const bus = new MemoryBus({
      onHandlerError: (topic, key, err) => failures.push(`${topic}/${key}: ${(err as Error).message}`),
    });
    await bus.subscribe({
      groupId: 'g',
      topics: ['market.spot.ticker'],
      handler: () => {
        throw new Error('boom');
      },
    });
    await bus.publish('market.spot.ticker', [{ key: 'BTCUSDT', value: spotTicker() }]);
    await new Promise((r) => setTimeout(r, 20));
    expect(failures).toEqual(['market.spot.ticker/BTCUSDT: boom']);
  });
});

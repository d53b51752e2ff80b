import { MemoryBus, type BusMessage } from '@marketpipe/bus';
import { contractViolation, type UnifiedMarket } from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import {
  futuresTicker,
  optionsChain,
  psychState,
  quantumScore,
  spotTicker,
  sronaReport,
  stamped,
} from '../../../libs/contracts/test/samples';
import { CONSOLIDATOR_CONFIG } from '../src/config';
import { ConsolidatorService } from '../src/service';
import { MemorySnapshotStore } from '../src/store/memory';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const T = spotTicker().eventTime;

async function publishAll(bus: MemoryBus, symbol: string, dt = 0): Promise<void> {
  await bus.publish('market.spot.ticker', [{ key: symbol, value: { ...spotTicker(symbol), eventTime: T + dt } }]);
  await bus.publish('market.futures.ticker', [{ key: symbol, value: { ...futuresTicker(symbol), eventTime: T + dt } }]);
  await bus.publish('market.options.chain', [{ key: symbol, value: { ...optionsChain(symbol), eventTime: T + dt } }]);
  await bus.publish('analytics.quantum', [{ key: symbol, value: { ...quantumScore(symbol), eventTime: T + dt } }]);
  await bus.publish('analytics.psych', [{ key: symbol, value: stamped(psychState(symbol), T + dt) }]);
  await bus.publish('analytics.srona', [{ key: symbol, value: stamped(sronaReport(symbol), T + dt) }]);
}

function consolidator(bus: MemoryBus, store: MemorySnapshotStore, now: () => number): ConsolidatorService {
  return new ConsolidatorService({
    bus,
    store,
    logger: createLogger('consolidator', 'silent'),
    metrics: new Registry(),
    config: parseConfig(CONSOLIDATOR_CONFIG, { CONSOLIDATOR_TICK_MS: '20', CONSOLIDATOR_INSTANCE_ID: 'c0' }),
    groupId: `consolidator-${Math.random()}`,
    now,
  });
}

describe('ConsolidatorService on the in-memory bus', () => {
  it('joins the six sources of a symbol (options and SRONA by underlying) and emits once per change', async () => {
    const bus = new MemoryBus();
    const out: UnifiedMarket[] = [];
    await bus.subscribe({
      groupId: 'out',
      topics: ['unified-market'],
      handler: (m: BusMessage) => void (m.topic === 'unified-market' && out.push(m.value)),
    });
    const store = new MemorySnapshotStore();
    const controller = new AbortController();
    const now = () => T + 500;
    const service = consolidator(bus, store, now);
    await publishAll(bus, 'BTCUSDT');
    await service.start(controller.signal);
    await sleep(150);
    expect(out).toHaveLength(1);
    const u = out[0] as UnifiedMarket;
    expect(contractViolation('unified-market', u)).toBeUndefined();
    expect(u.sourcesPresent).toEqual(['SPOT', 'FUTURES', 'OPTIONS', 'QUANTUM', 'PSYCH', 'SRONA']);
    expect(u.options?.underlying).toBe('BTCUSDT');
    expect(u.srona?.underlying).toBe('BTCUSDT');
    expect(u.confidence).toBe(1);
    expect(store.unified.get('BTCUSDT')).toEqual(u);
    expect(store.global?.symbolCount).toBe(1);
    // A duplicate changes nothing, so nothing is emitted; a newer record is.
    await bus.publish('market.spot.ticker', [{ key: 'BTCUSDT', value: spotTicker('BTCUSDT') }]);
    await sleep(100);
    expect(out).toHaveLength(1);
    await bus.publish('market.spot.ticker', [
      { key: 'BTCUSDT', value: { ...spotTicker('BTCUSDT'), eventTime: T + 1, lastPrice: 1 } },
    ]);
    await sleep(100);
    expect(out).toHaveLength(2);
    expect(out[1]?.spot?.lastPrice).toBe(1);
    controller.abort();
    await service.stop();
  });

  it('emits once more when inputs stop and the sources turn stale, so Redis never shows them fresh', async () => {
    const bus = new MemoryBus();
    const out: UnifiedMarket[] = [];
    await bus.subscribe({
      groupId: 'out',
      topics: ['unified-market'],
      handler: (m: BusMessage) => void (m.topic === 'unified-market' && out.push(m.value)),
    });
    const store = new MemorySnapshotStore();
    const controller = new AbortController();
    let clock = T + 500;
    const service = consolidator(bus, store, () => clock);
    await publishAll(bus, 'BTCUSDT');
    await service.start(controller.signal);
    await sleep(150);
    expect(out).toHaveLength(1);
    expect(store.unified.get('BTCUSDT')?.confidence).toBe(1);
    clock = T + 20_000; // no input for 20 s: every source is past the 10 s threshold
    await sleep(150);
    expect(out).toHaveLength(2);
    expect(out[1]?.freshness.every((f) => f.stale)).toBe(true);
    expect(store.unified.get('BTCUSDT')?.confidence).toBe(0);
    clock = T + 25_000;
    await sleep(150);
    expect(out).toHaveLength(2); // still stale: nothing new to say
    controller.abort();
    await service.stop();
  });

  it('restarts complete: the first record after a restart holds every source it held before', async () => {
    const bus = new MemoryBus();
    const store = new MemorySnapshotStore();
    await publishAll(bus, 'ETHUSDT');
    const first = new AbortController();
    const a = consolidator(bus, store, () => T + 500);
    await a.start(first.signal);
    await sleep(100);
    first.abort();
    await a.stop();
    const out: UnifiedMarket[] = [];
    await bus.subscribe({
      groupId: 'after',
      topics: ['unified-market'],
      handler: (m) => void (m.topic === 'unified-market' && out.push(m.value)),
    });
    await bus.publish('market.spot.ticker', [
      { key: 'ETHUSDT', value: { ...spotTicker('ETHUSDT'), eventTime: T + 5 } },
    ]);
    const second = new AbortController();
    const b = consolidator(bus, new MemorySnapshotStore(), () => T + 600);
    await b.start(second.signal);
    await sleep(100);
    second.abort();
    await b.stop();
    expect(out).toHaveLength(1);
    expect(out[0]?.sourcesPresent).toHaveLength(6);
    expect(out[0]?.spot?.eventTime).toBe(T + 5);
  });
});

import { MemoryBus, type BusMessage } from '@marketpipe/bus';
import { contractViolation, type DataGap, type UnifiedMarket } from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { dataGap, futuresTicker, spotTicker } from '../../../libs/contracts/test/samples';
import { CONSOLIDATOR_CONFIG } from '../src/config';
import { GapBook } from '../src/model/gaps';
import { ConsolidatorService } from '../src/service';
import { MemorySnapshotStore } from '../src/store/memory';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const T = spotTicker().eventTime;
const gap = (over: Partial<DataGap>): DataGap => ({ ...dataGap(), repaired: false, ...over });

describe('GapBook', () => {
  const book = () => new GapBook(60_000);

  it('marks the symbols a gap names, of the products they hold, until the horizon after its end', () => {
    const b = book();
    b.apply(gap({ gapId: 'a', product: 'SPOT', symbols: ['BTCUSDT'], start: T, end: T + 5_000 }));
    expect(b.marks('BTCUSDT', ['SPOT'], T + 6_000).map((g) => g.gapId)).toEqual(['a']);
    expect(b.marks('ETHUSDT', ['SPOT'], T + 6_000)).toEqual([]);
    expect(b.marks('BTCUSDT', ['FUTURES'], T + 6_000)).toEqual([]);
    expect(b.marks('BTCUSDT', ['SPOT'], T + 65_000)).toHaveLength(1);
    expect(b.marks('BTCUSDT', ['SPOT'], T + 65_001)).toEqual([]);
    b.prune(T + 65_001);
    expect(b.size).toBe(0);
  });

  it('marks every symbol of the product for a gap without a symbol list, and none for a repaired gap', () => {
    const b = book();
    b.apply(gap({ gapId: 'all', product: 'FUTURES', symbols: null, end: T }));
    b.apply(gap({ gapId: 'fixed', product: 'FUTURES', symbols: null, end: T, repaired: true }));
    expect(b.marks('ANYUSDT', ['SPOT', 'FUTURES'], T).map((g) => g.gapId)).toEqual(['all']);
  });

  it('counts an open gap from its start, and lets a later record of the same id close it', () => {
    const b = book();
    b.apply(gap({ gapId: 'open', start: T, end: null, emitTime: T }));
    expect(b.marks('BTCUSDT', ['SPOT'], T + 60_000)).toHaveLength(1);
    expect(b.marks('BTCUSDT', ['SPOT'], T + 60_001)).toEqual([]);
    b.apply(gap({ gapId: 'open', start: T, end: T + 1_000, emitTime: T + 1_000, repaired: true }));
    expect(b.marks('BTCUSDT', ['SPOT'], T + 2_000)).toEqual([]);
    // An older record of the id (a replay out of order) does not reopen it.
    b.apply(gap({ gapId: 'open', start: T, end: null, emitTime: T }));
    expect(b.marks('BTCUSDT', ['SPOT'], T + 2_000)).toEqual([]);
  });
});

describe('ConsolidatorService and market.gaps', () => {
  it('marks the affected symbols in unified records and the store, and unmarks them when the gap ages out', async () => {
    const bus = new MemoryBus();
    const out: UnifiedMarket[] = [];
    await bus.subscribe({
      groupId: 'out',
      topics: ['unified-market'],
      handler: (m: BusMessage) => void (m.topic === 'unified-market' && out.push(m.value)),
    });
    const store = new MemorySnapshotStore();
    let now = T + 500;
    const service = new ConsolidatorService({
      bus,
      store,
      logger: createLogger('consolidator', 'silent'),
      metrics: new Registry(),
      config: parseConfig(CONSOLIDATOR_CONFIG, {
        CONSOLIDATOR_TICK_MS: '20',
        CONSOLIDATOR_INSTANCE_ID: 'c0',
        CONSOLIDATOR_STALE_MS: '3600000',
        CONSOLIDATOR_GAP_MARK_MS: '10000',
      }),
      groupId: `consolidator-${Math.random()}`,
      now: () => now,
    });
    const controller = new AbortController();
    for (const s of ['BTCUSDT', 'ETHUSDT'])
      await bus.publish('market.spot.ticker', [{ key: s, value: { ...spotTicker(s), eventTime: T } }]);
    await bus.publish('market.futures.ticker', [
      { key: 'SOLUSDT', value: { ...futuresTicker('SOLUSDT'), eventTime: T } },
    ]);
    await service.start(controller.signal);
    try {
      await sleep(100);
      expect(out.map((u) => u.gaps)).toEqual([[], [], []]);
      out.length = 0;

      await bus.publish('market.gaps', [
        {
          key: 'g1',
          value: gap({ gapId: 'g1', product: 'SPOT', symbols: ['BTCUSDT'], start: T + 100, end: T + 400 }),
        },
      ]);
      await sleep(100);
      // Only BTCUSDT is re-emitted, carrying the gap; nothing else changed.
      expect(out.map((u) => u.symbol)).toEqual(['BTCUSDT']);
      const marked = out[0] as UnifiedMarket;
      expect(contractViolation('unified-market', marked)).toBeUndefined();
      expect(marked.gaps).toEqual([
        { gapId: 'g1', product: 'SPOT', cause: 'STREAM_LOST', start: T + 100, end: T + 400 },
      ]);
      expect(store.unified.get('BTCUSDT')?.gaps).toHaveLength(1);
      expect(store.unified.get('ETHUSDT')?.gaps).toEqual([]);
      out.length = 0;

      now = T + 400 + 10_001; // the mark horizon after its end
      await sleep(100);
      expect(out.map((u) => [u.symbol, u.gaps.length])).toEqual([['BTCUSDT', 0]]);
      expect(store.unified.get('BTCUSDT')?.gaps).toEqual([]);
    } finally {
      controller.abort();
      await service.stop();
    }
  });

  it('marks, on restart, a gap published before it started', async () => {
    const bus = new MemoryBus();
    const store = new MemorySnapshotStore();
    await bus.publish('market.spot.ticker', [{ key: 'BTCUSDT', value: { ...spotTicker('BTCUSDT'), eventTime: T } }]);
    await bus.publish('market.gaps', [{ key: 'g', value: gap({ gapId: 'g', symbols: null, end: T }) }]);
    const service = new ConsolidatorService({
      bus,
      store,
      logger: createLogger('consolidator', 'silent'),
      metrics: new Registry(),
      config: parseConfig(CONSOLIDATOR_CONFIG, { CONSOLIDATOR_TICK_MS: '20', CONSOLIDATOR_INSTANCE_ID: 'c1' }),
      now: () => T + 1_000,
    });
    const controller = new AbortController();
    await service.start(controller.signal);
    try {
      await sleep(100);
      expect(store.unified.get('BTCUSDT')?.gaps.map((g) => g.gapId)).toEqual(['g']);
    } finally {
      controller.abort();
      await service.stop();
    }
  });
});

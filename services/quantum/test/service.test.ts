import { MemoryBus, type BusMessage } from '@marketpipe/bus';
import { contractViolation } from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { spotTicker } from '../../../libs/contracts/test/samples';
import { QUANTUM_CONFIG } from '../src/config';
import { QuantumService } from '../src/service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('QuantumService on the in-memory bus', () => {
  it('scores each symbol seen on market.spot.ticker once per new input, with the golden values', async () => {
    const bus = new MemoryBus();
    const out: BusMessage[] = [];
    await bus.subscribe({ groupId: 'out', topics: ['analytics.quantum'], handler: (m) => void out.push(m) });
    const controller = new AbortController();
    const service = new QuantumService({
      bus,
      logger: createLogger('quantum', 'silent'),
      metrics: new Registry(),
      config: parseConfig(QUANTUM_CONFIG, { QUANTUM_INTERVAL_MS: '50' }),
    });
    await service.start(controller.signal);
    await bus.publish('market.spot.ticker', [
      { key: 'BTCUSDT', value: spotTicker('BTCUSDT') },
      { key: 'ETHUSDT', value: spotTicker('ETHUSDT') },
    ]);
    await sleep(200);
    // Unchanged input: no new scores.
    expect(out).toHaveLength(2);
    await bus.publish('market.spot.ticker', [
      { key: 'BTCUSDT', value: { ...spotTicker('BTCUSDT'), eventTime: spotTicker().eventTime + 1000 } },
    ]);
    await sleep(150);
    controller.abort();
    await service.stop();
    expect(out).toHaveLength(3);
    const btc = out.find((m) => m.key === 'BTCUSDT');
    if (btc?.topic !== 'analytics.quantum') throw new Error('no BTCUSDT score');
    expect(btc.value.hash).toBe(6861);
    expect(Math.abs(btc.value.coreScore - 0.453288185688808)).toBeLessThan(1e-12);
    expect(btc.value.eventTime).toBe(spotTicker().eventTime);
    expect(btc.value.lambda).toBe(Math.log(7919));
    for (const m of out) expect(contractViolation('analytics.quantum', m.value)).toBeUndefined();
  });

  it('refuses bad weights and score maps with a clear message', () => {
    expect(() => parseConfig(QUANTUM_CONFIG, { QUANTUM_WEIGHTS: 'core:1,ia:2' })).toThrow(
      'QUANTUM_WEIGHTS="core:1,ia:2": expected core:w,ai:w,vigo:w with non-negative weights, got "ia:2"',
    );
    expect(() => parseConfig(QUANTUM_CONFIG, { QUANTUM_AI_SCORES: 'BTCUSDT:1.5' })).toThrow(
      'QUANTUM_AI_SCORES="BTCUSDT:1.5"',
    );
  });
});

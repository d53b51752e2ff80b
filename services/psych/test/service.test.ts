import { MemoryBus, type Bus } from '@marketpipe/bus';
import { contractViolation, type PsychState } from '@marketpipe/contracts';
import { ConfigError, createLogger, parseConfig } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { PSYCH_CONFIG, psychParams } from '../src/config';
import { PsychComputable, psychRecord } from '../src/model';
import { PsychService } from '../src/service';
import { CRASH, futures, NOW, series, spot, STEADY_RISE, type PsychInput } from './series';

const EMIT_TIME = NOW + 5_000;

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function publish(bus: Bus, inputs: readonly PsychInput[]): Promise<void> {
  for (const i of inputs) {
    if (i.topic === 'market.spot.ticker') await bus.publish(i.topic, [{ key: i.value.symbol, value: i.value }]);
    else if (i.topic === 'market.futures.ticker') await bus.publish(i.topic, [{ key: i.value.symbol, value: i.value }]);
    else await bus.publish(i.topic, [{ key: i.value.symbol, value: i.value }]);
  }
}

/** Collects analytics.psych records as they are published. */
async function collect(bus: Bus): Promise<PsychState[]> {
  const out: PsychState[] = [];
  await bus.subscribe({
    groupId: 'test-reader',
    topics: ['analytics.psych'],
    handler: (m) => {
      if (m.topic === 'analytics.psych') out.push(m.value);
    },
  });
  return out;
}

/** Starts a PsychService; `published` tells, at each readiness change, how many records were out. */
function run(bus: Bus, published: () => number = () => 0, now: () => number = () => EMIT_TIME) {
  const controller = new AbortController();
  const readiness: { ready: boolean; published: number }[] = [];
  const service = new PsychService({
    bus,
    logger: createLogger('psych', 'silent'),
    metrics: new Registry(),
    config: parseConfig(PSYCH_CONFIG, { PSYCH_INTERVAL_MS: '50' }),
    onReady: (ready) => readiness.push({ ready, published: published() }),
    now,
  });
  return {
    service,
    readiness,
    start: () => service.start(controller.signal),
    stop: async () => {
      controller.abort();
      await service.stop();
    },
  };
}

const of = (records: readonly PsychState[], symbol: string) => records.filter((r) => r.symbol === symbol);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PsychService on the in-memory bus', () => {
  it('rebuilds its windows from the input topics, then publishes each symbol once per new input with its state', async () => {
    const bus = new MemoryBus();
    await publish(bus, [...series('BTCUSDT', STEADY_RISE), ...series('ETHUSDT', CRASH)]);
    const out = await collect(bus);
    const psych = run(bus, () => out.length, Date.now);
    const started = Date.now();
    await psych.start();
    await until(() => of(out, 'BTCUSDT').length > 0 && of(out, 'ETHUSDT').length > 0, 'both symbols');

    // Not ready while replaying, ready once caught up, and nothing published before that.
    expect(psych.readiness).toEqual([
      { ready: false, published: 0 },
      { ready: true, published: 0 },
    ]);
    const [btc] = of(out, 'BTCUSDT');
    const [eth] = of(out, 'ETHUSDT');
    expect(btc).toMatchObject({
      status: 'READY',
      state: 'OPTIMISMO',
      eventTime: NOW,
      source: 'psych',
      transition: null,
    });
    expect(eth).toMatchObject({ status: 'READY', state: 'PANICO', eventTime: NOW });
    expect(btc?.emitTime).toBeGreaterThanOrEqual(started);

    // Nothing new: later ticks publish nothing.
    await sleep(200);
    expect(of(out, 'BTCUSDT').map((r) => r.eventTime)).toEqual([NOW]);

    // One new BTCUSDT ticker: one new BTCUSDT record, measured against the previous one.
    const sent = Date.now();
    await publish(bus, [
      { topic: 'market.spot.ticker', value: spot('BTCUSDT', NOW + 1000, STEADY_RISE.price(1 / 60), 5e8 * 1.12, 0.5) },
    ]);
    await until(() => of(out, 'BTCUSDT').length > 1, 'the second BTCUSDT record');
    await sleep(150);
    await psych.stop();

    expect(of(out, 'BTCUSDT').map((r) => r.eventTime)).toEqual([NOW, NOW + 1000]);
    expect(of(out, 'ETHUSDT').map((r) => r.eventTime)).toEqual([NOW]);
    const next = of(out, 'BTCUSDT')[1] as PsychState;
    expect(next.state).toBe('OPTIMISMO');
    // Published by the next 50 ms tick (generous bound for a loaded machine).
    expect(next.emitTime - sent).toBeGreaterThanOrEqual(0);
    expect(next.emitTime - sent).toBeLessThan(1000);
    expect(next.transition).toMatchObject({ kind: 'ESTABLE', previousState: 'OPTIMISMO' });
    expect(next.transition?.deltaScore).toBeCloseTo((next.score as number) - (btc?.score as number), 12);
    for (const r of out) expect(contractViolation('analytics.psych', r)).toBeUndefined();
  });

  it('resumes after a restart from the replayed topics: the first record of the new instance is READY', async () => {
    const bus = new MemoryBus();
    const out = await collect(bus);
    const first = run(bus);
    await first.start();
    const inputs = series('BTCUSDT', STEADY_RISE);
    await publish(bus, inputs);
    await until(() => out.some((r) => r.eventTime === NOW), 'the first instance to catch up with NOW');
    await first.stop();

    const late: PsychInput = {
      topic: 'market.spot.ticker',
      value: spot('BTCUSDT', NOW + 1000, STEADY_RISE.price(1 / 60), 5e8 * 1.12, 0.5),
    };
    await publish(bus, [late]);
    const before = out.length;
    const second = run(bus);
    await second.start();
    await until(() => out.length > before, 'a record from the restarted instance');
    await second.stop();

    const resumed = out[before] as PsychState;
    const reference = new PsychComputable(psychParams(parseConfig(PSYCH_CONFIG, {})));
    for (const i of [...inputs, late]) if (i.topic === 'market.spot.ticker') reference.addSpot(i.value);
    for (const i of inputs) {
      if (i.topic === 'market.futures.ticker') reference.addFutures(i.value);
      else if (i.topic === 'market.spot.kline') reference.addKline(i.value);
    }
    expect(resumed).toMatchObject({ status: 'READY', state: 'OPTIMISMO', eventTime: NOW + 1000 });
    expect(resumed).toEqual(psychRecord('BTCUSDT', reference.assess(), EMIT_TIME, 900_000));
  });

  it('publishes WARMING_UP for a symbol that has only just appeared, and nothing for futures-only symbols', async () => {
    const bus = new MemoryBus();
    const out = await collect(bus);
    const psych = run(bus);
    await psych.start();
    await publish(bus, [
      { topic: 'market.spot.ticker', value: spot('SOLUSDT', NOW, 150, 2e8, 2) },
      { topic: 'market.futures.ticker', value: futures('BTCUSDT_240628', NOW, null) },
    ]);
    await until(() => out.length > 0, 'a record');
    await sleep(150);
    await psych.stop();
    expect(out.map((r) => [r.symbol, r.status, r.state, r.score, r.fearGreedIndex])).toEqual([
      ['SOLUSDT', 'WARMING_UP', null, null, null],
    ]);
    expect(out[0]?.components.liquidity).not.toBeNull();
  });
});

describe('psych configuration', () => {
  it('defaults to a 1 s cadence, a 15 min window, a 60 min candle history, a 0.02 hysteresis and a checkpoint a minute', () => {
    const c = parseConfig(PSYCH_CONFIG, {});
    expect(c).toEqual({
      PSYCH_INTERVAL_MS: 1000,
      PSYCH_WINDOW_MS: 900_000,
      PSYCH_LONG_WINDOW_MS: 3_600_000,
      PSYCH_SAMPLE_MS: 5000,
      PSYCH_HYSTERESIS: 0.02,
      PSYCH_MIN_CONFIDENCE: 0.3,
      PSYCH_CHECKPOINT_MS: 60_000,
    });
    expect(psychParams(c)).toMatchObject({ windowMs: 900_000, longWindowMs: 3_600_000, hysteresis: 0.02 });
  });

  it('refuses a candle history shorter than twice the window, naming both variables', () => {
    const c = parseConfig(PSYCH_CONFIG, { PSYCH_WINDOW_MS: '1800000', PSYCH_LONG_WINDOW_MS: '3000000' });
    expect(() => psychParams(c)).toThrow(ConfigError);
    expect(() => psychParams(c)).toThrow(
      'PSYCH_LONG_WINDOW_MS=3000000: must be at least 2 x PSYCH_WINDOW_MS (3600000)',
    );
  });

  it('refuses a hysteresis outside [0, 0.1] with a clear message', () => {
    expect(() => parseConfig(PSYCH_CONFIG, { PSYCH_HYSTERESIS: '0.5' })).toThrow(
      'PSYCH_HYSTERESIS="0.5": must be <= 0.1',
    );
  });
});

import { MemoryBus, type Bus, type BusMessage, type OutgoingRecord, type SubscribeOptions } from '@marketpipe/bus';
import { contractViolation, type SronaReport, type TopicName } from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { SRONA_CONFIG, sronaParams } from '../src/config';
import { evaluateUnderlying } from '../src/model/detector';
import { DEFAULT_PARAMS } from '../src/model/params';
import { SronaService } from '../src/service';
import { bigChain, chain, historyOf, inputs, klines, NOW, randomWalk, ticker } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
}

const config = parseConfig(SRONA_CONFIG, { SRONA_INTERVAL_MS: '100' });
const closes = randomWalk(24 * 30, 0.3, 5);

async function publishInputs(bus: MemoryBus): Promise<void> {
  // Hourly candles, delivered out of order and partly twice (a backfill overlapping live candles).
  const hourly = klines(closes);
  const shuffled = [...hourly.slice(360), ...hourly.slice(0, 400)];
  await bus.publish(
    'market.spot.kline.long',
    shuffled.map((k) => ({ key: k.symbol, value: k })),
  );
  // 1m candles of the same symbol: another topic, which srona does not read.
  const minutes = klines(randomWalk(300, 2, 9), '1m', 60_000);
  await bus.publish(
    'market.spot.kline',
    minutes.map((k) => ({ key: k.symbol, value: k })),
  );
  await bus.publish('market.spot.ticker', [
    { key: 'BTCUSDT', value: ticker(100) },
    { key: 'ADAUSDT', value: ticker(0.5, { symbol: 'ADAUSDT' }) }, // no options: no report
  ]);
  await bus.publish('market.options.chain', [{ key: 'BTCUSDT', value: chain(bigChain()) }]);
}

function service(bus: MemoryBus, readiness: boolean[] = []): SronaService {
  return new SronaService({
    bus,
    logger: createLogger('srona', 'silent'),
    metrics: new Registry(),
    config,
    now: () => NOW,
    onReady: (ready) => void readiness.push(ready),
  });
}

function reportsOf(out: BusMessage[]): SronaReport[] {
  return out.flatMap((m) => (m.topic === 'analytics.srona' ? [m.value] : []));
}

describe('SronaService on the in-memory bus', () => {
  it('rebuilds its inputs from the topics, then publishes one valid report per underlying with the expected opportunities', async () => {
    const bus = new MemoryBus();
    const out: BusMessage[] = [];
    await bus.subscribe({ groupId: 'out', topics: ['analytics.srona'], handler: (m) => void out.push(m) });
    await publishInputs(bus);

    const readiness: boolean[] = [];
    const controller = new AbortController();
    const srona = service(bus, readiness);
    await srona.start(controller.signal);
    await until(() => out.length >= 1);
    expect(readiness).toEqual([false, true]);

    const [report] = reportsOf(out);
    expect(out[0]?.key).toBe('BTCUSDT');
    expect(contractViolation('analytics.srona', report)).toBeUndefined();
    const expected = evaluateUnderlying(inputs(chain(bigChain()), historyOf(closes)), sronaParams(config), NOW);
    expect(report).toEqual(expected);
    expect(report?.chain.historySamples).toBe(720);
    expect(report?.opportunities.length).toBeGreaterThan(0);
    expect(report?.eventTime).toBe(ticker().eventTime);

    // Nothing new: no new report. An older chain changes nothing either (newest eventTime wins).
    await bus.publish('market.options.chain', [
      { key: 'BTCUSDT', value: chain(bigChain(), { eventTime: NOW - 10_000 }) },
    ]);
    await sleep(350);
    expect(out).toHaveLength(1);
    // A newer ticker: a new report.
    await bus.publish('market.spot.ticker', [{ key: 'BTCUSDT', value: ticker(100.5, { eventTime: NOW - 100 }) }]);
    await until(() => out.length >= 2);
    expect(reportsOf(out)[1]?.spotPrice).toBe(100.5);

    controller.abort();
    await srona.stop();
  });

  it('restores the candle history on restart by replaying market.spot.kline.long', async () => {
    const bus = new MemoryBus();
    const out: BusMessage[] = [];
    await bus.subscribe({ groupId: 'out', topics: ['analytics.srona'], handler: (m) => void out.push(m) });
    await publishInputs(bus);

    const first = new AbortController();
    const before = service(bus);
    await before.start(first.signal);
    await until(() => out.length >= 1);
    first.abort();
    await before.stop();

    const readiness: boolean[] = [];
    const second = new AbortController();
    const after = service(bus, readiness);
    await after.start(second.signal);
    await until(() => out.length >= 2);
    second.abort();
    await after.stop();

    const [a, b] = reportsOf(out);
    expect(readiness).toEqual([false, true]);
    expect(b?.chain.historySamples).toBe(720);
    expect(b?.chain.realizedVol).toBe(a?.chain.realizedVol);
    expect(b?.opportunities).toEqual(a?.opportunities);
    expect(contractViolation('analytics.srona', b)).toBeUndefined();
  });

  it('exposes a tick-time histogram', async () => {
    const bus = new MemoryBus();
    await publishInputs(bus);
    const metrics = new Registry();
    const controller = new AbortController();
    const srona = new SronaService({ bus, logger: createLogger('srona', 'silent'), metrics, config, now: () => NOW });
    await srona.start(controller.signal);
    await sleep(300);
    controller.abort();
    await srona.stop();
    const text = await metrics.metrics();
    expect(text).toMatch(/marketpipe_srona_tick_seconds_count [1-9]/);
    expect(text).toMatch(/marketpipe_srona_reports_total 1/);
    expect(text).toMatch(/marketpipe_srona_opportunities\{underlying="BTCUSDT"\} [1-9]/);
  });
});

/** A bus whose single subscription the test drives by hand: assignment, records, catch-up. */
class HandBus implements Bus {
  readonly kind = 'memory' as const;
  options: SubscribeOptions | undefined;
  readonly published: SronaReport[] = [];
  async start(): Promise<void> {}
  async publish<T extends TopicName>(topic: T, records: readonly OutgoingRecord<T>[]): Promise<void> {
    for (const r of records) {
      expect(contractViolation(topic, r.value)).toBeUndefined();
      if (topic === 'analytics.srona') this.published.push(r.value as SronaReport);
    }
  }
  async subscribe(options: SubscribeOptions) {
    this.options = options;
    return { stop: async () => undefined };
  }
  async stop(): Promise<void> {}
  assign(partitions: number[]): void {
    this.options?.onAssigned?.(
      new Map(['market.options.chain', 'market.spot.ticker', 'market.spot.kline.long'].map((t) => [t, partitions])),
    );
  }
  deliver(message: Omit<BusMessage, 'offset' | 'timestamp'>): void {
    void this.options?.handler({ ...message, offset: '0', timestamp: NOW } as BusMessage);
  }
}

describe('SronaService across rebalances', () => {
  it('publishes only after the replay caught up, pauses while a new assignment replays, and forgets revoked symbols', async () => {
    const bus = new HandBus();
    const readiness: boolean[] = [];
    const controller = new AbortController();
    const srona = new SronaService({
      bus,
      logger: createLogger('srona', 'silent'),
      metrics: new Registry(),
      config,
      now: () => NOW,
      onReady: (ready) => void readiness.push(ready),
    });
    await srona.start(controller.signal);
    bus.assign([0, 1]);
    for (const [underlying, partition] of [
      ['BTCUSDT', 0],
      ['ETHUSDT', 1],
    ] as const) {
      bus.deliver({
        topic: 'market.options.chain',
        key: underlying,
        partition,
        value: chain(bigChain(), { underlying }),
      });
      for (const k of klines(closes, '1h', 3_600_000, underlying)) {
        bus.deliver({ topic: 'market.spot.kline.long', key: underlying, partition, value: k });
      }
    }
    await sleep(250);
    expect(bus.published).toEqual([]);

    bus.options?.onCaughtUp?.();
    await until(() => bus.published.length >= 2);
    expect(bus.published.map((r) => r.underlying).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);

    // Partition 1 moves to another member; partition 0 is replayed again.
    bus.assign([0]);
    bus.deliver({ topic: 'market.spot.ticker', key: 'BTCUSDT', partition: 0, value: ticker(101) });
    await sleep(250);
    expect(bus.published).toHaveLength(2);
    bus.options?.onCaughtUp?.();
    await until(() => bus.published.length >= 3);
    await sleep(250);
    expect(bus.published.slice(2).map((r) => r.underlying)).toEqual(['BTCUSDT']);
    expect(readiness).toEqual([false, true, false, true]);

    controller.abort();
    await srona.stop();
  });
});

describe('srona configuration', () => {
  it('defaults to the specified filters and thresholds', () => {
    expect(sronaParams(parseConfig(SRONA_CONFIG, {}))).toEqual(DEFAULT_PARAMS);
    expect(parseConfig(SRONA_CONFIG, {}).SRONA_INTERVAL_MS).toBe(2000);
  });

  it('refuses bad ranges and intervals with a clear message', () => {
    expect(() => parseConfig(SRONA_CONFIG, { SRONA_CALL_MONEYNESS: '1.2:1.05' })).toThrow(
      'SRONA_CALL_MONEYNESS="1.2:1.05": min 1.2 is above max 1.05',
    );
    expect(() => parseConfig(SRONA_CONFIG, { SRONA_DAYS_TO_EXPIRY: '7' })).toThrow(
      'SRONA_DAYS_TO_EXPIRY="7": expected min:max',
    );
    expect(() => parseConfig(SRONA_CONFIG, { SRONA_CANDLE_INTERVAL: '2m' })).toThrow(
      'SRONA_CANDLE_INTERVAL="2m": expected one of',
    );
    expect(() => parseConfig(SRONA_CONFIG, { SRONA_MIN_SCORE: '1.5' })).toThrow('SRONA_MIN_SCORE="1.5": must be <= 1');
  });

  it('keeps at least the RV window of history', () => {
    const p = sronaParams(parseConfig(SRONA_CONFIG, { SRONA_RV_WINDOW_DAYS: '20', SRONA_HISTORY_DAYS: '5' }));
    expect(p.historyMs).toBe(p.rvWindowMs);
  });
});

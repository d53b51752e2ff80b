import { MemoryBus, type Bus, type BusMessage } from '@marketpipe/bus';
import { ContractError, type DataGap, type TopicName } from '@marketpipe/contracts';
import { createLogger } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { CapturePublisher, GapReporter, SEND_STALL_MS, symbolsOfStreams } from '../../src/capture';
import { spotTicker } from '../../../contracts/test/samples';

const logger = createLogger('test', 'silent');
const settle = () => new Promise((r) => setTimeout(r, 10));

/** A MemoryBus whose publishes fail while `down` is set, as a broker outage makes KafkaBus's do. */
class FlakyBus {
  down = false;
  /** Runs inside each publish: a test's clock moving while Kafka holds the send. */
  during: () => void = () => undefined;
  readonly inner = new MemoryBus();
  readonly kind = 'memory' as const;
  start = () => this.inner.start();
  stop = () => this.inner.stop();
  subscribe: Bus['subscribe'] = (o) => this.inner.subscribe(o);
  publish: Bus['publish'] = async (topic, records) => {
    this.during();
    if (this.down) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    return this.inner.publish(topic, records);
  };
}

async function gapsOf(bus: FlakyBus): Promise<DataGap[]> {
  const out: DataGap[] = [];
  await bus.inner.subscribe({
    groupId: 'gaps',
    topics: ['market.gaps'],
    fromBeginning: true,
    handler: (m: BusMessage) => {
      if (m.topic === 'market.gaps') out.push(m.value);
    },
  });
  return out;
}

describe('symbolsOfStreams', () => {
  it('names the symbols of per-symbol streams, once each, and every symbol for an all-market stream', () => {
    expect(symbolsOfStreams(['btcusdt@ticker', 'ethusdt@kline_1m', 'btcusdt@kline_1m'])).toEqual([
      'BTCUSDT',
      'ETHUSDT',
    ]);
    expect(symbolsOfStreams(['btcusdt@optionMarkPrice', '!index@arr'])).toBeNull();
  });
});

describe('GapReporter', () => {
  it('keeps a gap it could not send and sends it, once, when the bus takes records again', async () => {
    const bus = new FlakyBus();
    const seen = await gapsOf(bus);
    const gaps = new GapReporter(bus, logger, new Registry(), 'SPOT', 'capture-spot', () => 5_000);
    bus.down = true;
    const id = gaps.report({
      topics: ['market.spot.ticker'],
      symbols: ['BTCUSDT'],
      start: 1_000,
      end: 4_000,
      cause: 'STREAM_LOST',
      detail: 'spot: drop',
      repaired: true,
    });
    await settle();
    expect(seen).toEqual([]);
    expect(gaps.pending).toBe(1);
    bus.down = false;
    await gaps.flush();
    await gaps.flush();
    await settle();
    expect(gaps.pending).toBe(0);
    expect(seen).toEqual([
      {
        gapId: id,
        product: 'SPOT',
        topics: ['market.spot.ticker'],
        symbols: ['BTCUSDT'],
        start: 1_000,
        end: 4_000,
        cause: 'STREAM_LOST',
        detail: 'spot: drop',
        repaired: true,
        eventTime: 4_000,
        emitTime: 5_000,
        source: 'capture-spot',
      },
    ]);
  });
});

describe('GapReporter retries', () => {
  it('sends an unsent gap on its own timer, with no other record to carry it, and stops retrying when stopped', async () => {
    const bus = new FlakyBus();
    const seen = await gapsOf(bus);
    const gaps = new GapReporter(bus, logger, new Registry(), 'FUTURES', 'capture-futures');
    bus.down = true;
    gaps.report({
      topics: ['market.futures.ticker'],
      symbols: null,
      start: 1_000,
      end: 2_000,
      cause: 'BROKER_OUTAGE',
      detail: 'publishing failed',
      repaired: false,
    });
    await settle();
    expect(gaps.pending).toBe(1);
    bus.down = false;
    // nothing else is reported or flushed: the first retry (500 ms) sends it
    await new Promise((r) => setTimeout(r, 700));
    expect(gaps.pending).toBe(0);
    expect(seen.map((g) => g.cause)).toEqual(['BROKER_OUTAGE']);

    bus.down = true;
    gaps.report({
      ...{ topics: ['market.futures.ticker'] as TopicName[], symbols: null },
      start: 3_000,
      end: 4_000,
      cause: 'BROKER_OUTAGE',
      detail: 'x',
      repaired: false,
    });
    await settle();
    gaps.stop();
    bus.down = false;
    await new Promise((r) => setTimeout(r, 700));
    expect(gaps.pending).toBe(1);
    expect(seen).toHaveLength(1);
  });
});

describe('CapturePublisher under a broker outage', () => {
  async function setup(refetched?: (t: TopicName) => boolean) {
    const bus = new FlakyBus();
    const seen = await gapsOf(bus);
    let now = 10_000;
    const clock = () => now;
    const gaps = new GapReporter(bus, logger, new Registry(), 'SPOT', 'capture-spot', clock);
    const publisher = new CapturePublisher(bus, logger, new Registry(), undefined, gaps, refetched, clock);
    let t = 0;
    const send = (topic: 'market.spot.ticker' = 'market.spot.ticker') =>
      publisher.publish(
        topic,
        { records: [{ ...spotTicker(), eventTime: ++t }], rejected: [] },
        { keyOf: (r) => r.symbol },
      );
    return { bus, seen, send, tick: (ms: number) => (now += ms) };
  }

  it('reports one gap from the last accepted send to the first one after the failures', async () => {
    const { bus, seen, send, tick } = await setup();
    await send(); // accepted at 10 000
    tick(1_000);
    bus.down = true;
    for (let i = 0; i < 5; i++) {
      await expect(send()).rejects.toThrow(/ECONNREFUSED/);
      tick(1_000);
    }
    bus.down = false;
    await send(); // accepted at 16 000
    await send();
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      cause: 'BROKER_OUTAGE',
      topics: ['market.spot.ticker'],
      symbols: null,
      start: 10_000,
      end: 16_000,
      repaired: false,
    });
    expect(seen[0]?.detail).toMatch(/ECONNREFUSED/);
  });

  it('reports a send Kafka took only after SEND_STALL_MS as a gap, once, and a slow one as none', async () => {
    const { bus, seen, send, tick } = await setup();
    await send(); // accepted at 10 000
    tick(1_000);
    bus.during = () => tick(SEND_STALL_MS - 1);
    await send(); // 4.999 s: slow, not stalled
    tick(1_000);
    bus.during = () => {
      bus.during = () => undefined;
      tick(20_000); // the broker restarts under this send; it is taken late, not refused
    };
    await Promise.all([send(), send()]);
    await send();
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      cause: 'BROKER_OUTAGE',
      topics: ['market.spot.ticker'],
      start: 10_000 + 1_000 + SEND_STALL_MS - 1,
      repaired: false,
    });
    expect(seen[0]?.detail).toMatch(/^publishing stalled: Kafka took 20\.0 s to take a batch$/);
  });

  it('reports a send held through the restart that fails after a later one got through, once', async () => {
    const { bus, seen, send, tick } = await setup();
    const refusals: ((err: Error) => void)[] = [];
    const hold = () => {
      const inner = bus.publish;
      bus.publish = () => {
        bus.publish = inner;
        return new Promise((_resolve, reject) => refusals.push(reject)); // Kafka holds this send
      };
    };
    await send(); // accepted at 10 000
    tick(1_000);
    hold();
    const first = send(); // sent at 11 000
    tick(1_000);
    hold();
    const second = send(); // sent at 12 000
    tick(19_000);
    await send(); // a later send is taken at 31 000, and no failure has been seen yet
    tick(1);
    refusals[0]?.(new Error('Request Produce timed out'));
    await expect(first).rejects.toThrow(/timed out/);
    tick(500);
    await send(); // closes the outage at 31 501
    refusals[1]?.(new Error('Request Produce timed out'));
    await expect(second).rejects.toThrow(/timed out/); // inside the span just reported
    tick(500);
    await send();
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ cause: 'BROKER_OUTAGE', start: 10_000, end: 31_501 });
    expect(seen[0]?.detail).toBe('publishing failed: Request Produce timed out');
  });

  it('calls an outage of only re-fetched topics repaired', async () => {
    const { bus, seen, send, tick } = await setup((t) => t === 'market.spot.ticker');
    await send();
    bus.down = true;
    await expect(send()).rejects.toThrow();
    tick(2_000);
    bus.down = false;
    await send();
    await settle();
    expect(seen.map((g) => g.repaired)).toEqual([true]);
  });

  it('reports no gap for a record the contract refused', async () => {
    const bus = new FlakyBus();
    const seen = await gapsOf(bus);
    const gaps = new GapReporter(bus, logger, new Registry(), 'SPOT', 'capture-spot');
    const publisher = new CapturePublisher(bus, logger, new Registry(), undefined, gaps);
    const bad = { ...spotTicker(), lastPrice: Number.NaN };
    await expect(
      publisher.publish('market.spot.ticker', { records: [bad], rejected: [] }, { keyOf: (r) => r.symbol }),
    ).rejects.toBeInstanceOf(ContractError);
    await publisher.publish(
      'market.spot.ticker',
      { records: [spotTicker()], rejected: [] },
      { keyOf: (r) => r.symbol },
    );
    await settle();
    expect(seen).toEqual([]);
  });
});

import { MemoryBus, type BusMessage } from '@marketpipe/bus';
import { createLogger } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { CapturePublisher } from '../../src/capture';
import type { Mapped } from '../../src/checked';
import type { SpotKline, SpotTicker } from '@marketpipe/contracts';
import { spotKline, spotTicker } from '../../../contracts/test/samples';

const logger = createLogger('test', 'silent');

async function setup() {
  const bus = new MemoryBus();
  const received: BusMessage[] = [];
  await bus.subscribe({
    groupId: 'g',
    topics: ['market.spot.ticker', 'market.spot.kline'],
    handler: (m) => void received.push(m),
  });
  const rejected: [string, number][] = [];
  const metrics = new Registry();
  const publisher = new CapturePublisher(bus, logger, metrics, (endpoint, n) => rejected.push([endpoint, n]));
  const flush = () => new Promise((r) => setTimeout(r, 10));
  return { bus, received, rejected, publisher, metrics, flush };
}

const tickers = (...records: SpotTicker[]): Mapped<SpotTicker> => ({ records, rejected: [] });

describe('CapturePublisher', () => {
  it('publishes records keyed by symbol', async () => {
    const { received, publisher, flush } = await setup();
    expect(
      await publisher.publish('market.spot.ticker', tickers(spotTicker('BTCUSDT'), spotTicker('ETHUSDT')), {
        keyOf: (r) => r.symbol,
      }),
    ).toBe(2);
    await flush();
    expect(received.map((m) => m.key)).toEqual(['BTCUSDT', 'ETHUSDT']);
  });

  it('never republishes a record that is not newer than the last one of its series', async () => {
    const { received, publisher, flush, metrics } = await setup();
    const t = spotTicker();
    await publisher.publish('market.spot.ticker', tickers(t), { keyOf: (r) => r.symbol });
    // A cached response (same eventTime) and a late one (older) are both held back.
    expect(
      await publisher.publish('market.spot.ticker', tickers({ ...t, captureTime: t.captureTime + 1000 }), {
        keyOf: (r) => r.symbol,
      }),
    ).toBe(0);
    expect(
      await publisher.publish('market.spot.ticker', tickers({ ...t, eventTime: t.eventTime - 1 }), {
        keyOf: (r) => r.symbol,
      }),
    ).toBe(0);
    expect(
      await publisher.publish('market.spot.ticker', tickers({ ...t, eventTime: t.eventTime + 1 }), {
        keyOf: (r) => r.symbol,
      }),
    ).toBe(1);
    await flush();
    expect(received.map((m) => (m.topic === 'market.spot.ticker' ? m.value.eventTime : 0))).toEqual([
      t.eventTime,
      t.eventTime + 1,
    ]);
    expect(await metrics.getSingleMetricAsString('marketpipe_capture_not_newer_total')).toContain(
      'topic="market.spot.ticker"} 2',
    );
  });

  it('tells kline series apart by interval', async () => {
    const { received, publisher, flush } = await setup();
    const k1 = spotKline();
    const k2 = { ...spotKline(), interval: '1h' };
    const mapped: Mapped<SpotKline> = { records: [k1, k2], rejected: [] };
    await publisher.publish('market.spot.kline', mapped, {
      keyOf: (r) => r.symbol,
      seriesOf: (r) => `${r.symbol} ${r.interval}`,
    });
    await flush();
    expect(received).toHaveLength(2);
  });

  it('counts rejections per endpoint and publishes the good records of the batch', async () => {
    const { received, publisher, rejected, flush } = await setup();
    await publisher.publish(
      'market.spot.ticker',
      {
        records: [spotTicker()],
        rejected: [
          { endpoint: '/api/v3/ticker/24hr', symbol: 'BCCBTC', reason: 'lastPrice must be > 0' },
          { endpoint: '/api/v3/ticker/24hr', symbol: 'X', reason: 'volume: expected a decimal string' },
        ],
      },
      { keyOf: (r) => r.symbol },
    );
    await flush();
    expect(rejected).toEqual([['/api/v3/ticker/24hr', 2]]);
    expect(received).toHaveLength(1);
  });

  it('does not mark records as published when the bus refused the batch', async () => {
    const { bus, publisher } = await setup();
    const t = spotTicker();
    await bus.stop();
    await expect(publisher.publish('market.spot.ticker', tickers(t), { keyOf: (r) => r.symbol })).rejects.toThrow(
      'memory bus is stopped',
    );
    await bus.start();
    expect(await publisher.publish('market.spot.ticker', tickers(t), { keyOf: (r) => r.symbol })).toBe(1);
  });
});

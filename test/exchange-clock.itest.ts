// capture-spot judges "is this candle closed?" by Binance's clock, not the local one: against a
// simulator whose clock runs 4 s behind the local one, no candle that was still open on the
// exchange is published as closed; against one 4 s ahead, a candle goes out as soon as the
// exchange has closed it, not when the local clock says so. The clock's offset is exported as a
// metric. Real HTTP to the simulator.
import { startSimulator, type Simulator } from '@marketpipe/binance-sim';
import { BinanceRestClient } from '@marketpipe/binance';
import { MemoryBus } from '@marketpipe/bus';
import { CAPTURE_SPOT_CONFIG, SpotCapture } from '@marketpipe/capture-spot';
import type { SpotKline } from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { sleep } from './wait';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
const logger = createLogger('exchange-clock-itest', 'silent');

/** Sleeps until the local clock reads `second` s past a minute. */
async function untilSecond(second: number): Promise<void> {
  const into = Date.now() % 60_000;
  await sleep((second * 1000 - into + 60_000) % 60_000);
}

/**
 * Runs capture-spot (1m candles, a backfill of 5) for `ms` against `sim`. An in-memory bus: a
 * series resumes after the newest candle its topic holds, and on a shared broker other tests'
 * candles of the same symbols would decide what this one fetches.
 */
async function capture(sim: Simulator, ms: number): Promise<{ candles: SpotKline[]; metrics: Registry }> {
  const metrics = new Registry();
  const bus = new MemoryBus();
  const candles: SpotKline[] = [];
  await bus.start();
  await bus.subscribe({
    groupId: 'candles',
    topics: ['market.spot.kline'],
    handler: (m) => {
      if (m.topic === 'market.spot.kline') candles.push(m.value);
    },
  });
  const controller = new AbortController();
  const c = new SpotCapture({
    client: new BinanceRestClient({ product: 'spot', baseUrl: sim.url, logger, metrics, timeoutMs: 2_000 }),
    bus,
    logger,
    metrics,
    config: parseConfig(CAPTURE_SPOT_CONFIG, {
      CAPTURE_MODE: 'rest',
      SPOT_SYMBOLS: SYMBOLS.join(','),
      SPOT_KLINES: '1m:5',
    }),
  });
  await c.start(controller.signal);
  await sleep(ms);
  controller.abort();
  await c.stop();
  await bus.stop();
  return { candles, metrics };
}

async function offsetMetric(metrics: Registry): Promise<{ offset: number; error: number }> {
  const read = async (name: string): Promise<number> => {
    const m = await metrics.getSingleMetric(name)?.get();
    const v = m?.values.find((x) => x.labels['product'] === 'spot')?.value;
    if (v === undefined) throw new Error(`${name}{product="spot"} is not exported`);
    return v * 1000;
  };
  return {
    offset: await read('marketpipe_exchange_clock_offset_seconds'),
    error: await read('marketpipe_exchange_clock_error_seconds'),
  };
}

describe('capture-spot judging closed candles by the exchange clock', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('publishes no candle still open on an exchange 4 s behind, and measures the offset', async () => {
    sim = await startSimulator({ port: 0, universe: 'default', seed: 21, now: () => Date.now() - 4_000 });
    // 1 s into a local minute the exchange is 3 s from closing the candle: the start-up backfill
    // gets it open, and the local clock would call it closed.
    await untilSecond(1);
    const { candles, metrics } = await capture(sim, 7_000);
    const { offset, error } = await offsetMetric(metrics);
    process.stderr.write(
      `[exchange-clock] behind: offset ${offset.toFixed(1)} ± ${error.toFixed(1)} ms, ${candles.length} candles\n`,
    );
    expect(Math.abs(offset - -4_000)).toBeLessThanOrEqual(error + 5);
    expect(error).toBeLessThan(250);
    // The backfill's five, and the one the exchange closes 3 s in, fetched by the next sweep.
    for (const s of SYMBOLS) expect(candles.filter((k) => k.symbol === s).length).toBeGreaterThanOrEqual(5);
    // The exchange's time when the response arrived bounds the time it was served from above.
    expect(candles.filter((k) => k.closeTime >= k.captureTime - 4_000)).toEqual([]);
  }, 120_000);

  it('publishes a candle an exchange 4 s ahead has closed without waiting for the local clock', async () => {
    sim = await startSimulator({ port: 0, universe: 'default', seed: 22, now: () => Date.now() + 4_000 });
    // 2.5 s before a local minute the exchange closed its candle 1.5 s ago.
    await untilSecond(57.5);
    const { candles, metrics } = await capture(sim, 5_000);
    const { offset, error } = await offsetMetric(metrics);
    const lags = SYMBOLS.map((s) => {
      const own = candles.filter((k) => k.symbol === s);
      const newest = own.reduce((a, b) => (b.closeTime > a.closeTime ? b : a));
      return newest.captureTime + 4_000 - newest.closeTime;
    });
    process.stderr.write(
      `[exchange-clock] ahead: offset ${offset.toFixed(1)} ± ${error.toFixed(1)} ms, ${candles.length} candles, ` +
        `newest candle closed ${lags.join(' / ')} ms before the exchange's time\n`,
    );
    expect(Math.abs(offset - 4_000)).toBeLessThanOrEqual(error + 5);
    // By the local clock the newest would be a minute older.
    for (const lag of lags) expect(lag).toBeLessThan(4_000);
    for (const k of candles) expect(k.closeTime).toBeLessThan(k.captureTime + 4_000);
  }, 120_000);
});

// The three captures on WebSocket streams from the simulator into real Kafka: every symbol published
// from the streams with no ticker polling; a dropped connection resumes, is repaired from REST and
// never moves a series backwards; in auto mode a refused stream falls back to REST polling and
// returns to streaming.
import type { BusMessage } from '@marketpipe/bus';
import { CAPTURE_FUTURES_CONFIG, FuturesCapture } from '@marketpipe/capture-futures';
import { CAPTURE_OPTIONS_CONFIG, OptionsCapture } from '@marketpipe/capture-options';
import { CAPTURE_SPOT_CONFIG, SpotCapture } from '@marketpipe/capture-spot';
import { contractViolation, type DataGap } from '@marketpipe/contracts';
import { parseConfig } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { captureHarness } from './capture-harness';
import { sleep, until } from './wait';

const SPOT = ['ADAUSDT', 'BNBUSDT', 'BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'];
const UNDERLYINGS = ['BNBUSDT', 'BTCUSDT', 'DOGEUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'];

function eventTimeOf(m: BusMessage): number {
  return (m.value as { eventTime: number }).eventTime;
}

function sourceOf(m: BusMessage): string {
  return (m.value as { source: string }).source;
}

describe('captures on WebSocket streams, publishing to Kafka', () => {
  const h = captureHarness('stream-itest', { seed: 11 });
  const { received, client, logger } = h;

  function env(mode: string): Record<string, string> {
    return {
      CAPTURE_MODE: mode,
      SPOT_KLINES: '1m:0',
      STREAM_SILENCE_MS: '3000',
      BINANCE_SPOT_WS_URL: h.sim.wsUrl,
      BINANCE_FUTURES_WS_URL: h.sim.wsUrl,
      BINANCE_OPTIONS_WS_URL: h.sim.wsUrl,
    };
  }

  /** Every series' records in publish order have strictly increasing eventTime. */
  function expectNeverBackwards(messages: readonly BusMessage[]): void {
    const last = new Map<string, number>();
    for (const m of messages) {
      const key = `${m.topic} ${m.key}`;
      const t = eventTimeOf(m);
      const before = last.get(key);
      if (before !== undefined) expect(t).toBeGreaterThan(before);
      last.set(key, t);
    }
  }

  it('publishes every symbol from the streams without polling tickers, and survives a dropped connection', async () => {
    const metrics = new Registry();
    const controller = new AbortController();
    const since = Date.now();
    const captures = [
      new SpotCapture({
        client: client('spot', metrics),
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_SPOT_CONFIG, env('ws')),
      }),
      new FuturesCapture({
        client: client('futures', metrics),
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_FUTURES_CONFIG, env('ws')),
      }),
      new OptionsCapture({
        client: client('options', metrics),
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_OPTIONS_CONFIG, { ...env('ws'), OPTIONS_CHAIN_INTERVAL_MS: '1000' }),
      }),
    ];
    try {
      for (const c of captures) await c.start(controller.signal);
      h.sim.resetStats();
      const fresh = () => received.filter((m) => m.timestamp >= since);
      const fromStream = (topic: string, key: string) =>
        fresh().some((m) => m.topic === topic && m.key === key && sourceOf(m).endsWith('.ws'));
      const missing = (): string =>
        [
          ...SPOT.filter((s) => !fromStream('market.spot.ticker', s)).map((s) => `spot ${s}`),
          ...SPOT.filter((s) => !fromStream('market.futures.ticker', s)).map((s) => `futures ${s}`),
          ...UNDERLYINGS.filter((u) => !fromStream('market.options.chain', u)).map((u) => `options ${u}`),
        ].join(', ');
      await until(
        () => `streamed records for every spot symbol, perpetual and underlying; missing ${missing()}`,
        () =>
          SPOT.every((s) => fromStream('market.spot.ticker', s) && fromStream('market.futures.ticker', s)) &&
          UNDERLYINGS.every((u) => fromStream('market.options.chain', u)),
        15_000,
      );
      for (const m of fresh()) expect(contractViolation(m.topic, m.value)).toBeUndefined();
      // Tickers came from the streams: no ticker, premiumIndex or mark request since start-up (the
      // all-symbols premiumIndex read for interest rates, which the mark stream lacks, is part of
      // start-up and comes again hourly).
      const polled = Object.keys(h.sim.stats().byPath).filter((p) => /ticker|premiumIndex|mark/.test(p));
      expect(polled).toEqual([]);
      const streamed = (symbol: string): unknown[] => {
        const m = fresh().find(
          (x) => x.topic === 'market.futures.ticker' && x.key === symbol && sourceOf(x) === 'binance.futures.ws',
        );
        return m?.topic === 'market.futures.ticker' ? [m.value.fundingIntervalHours, m.value.interestRate] : [];
      };
      expect([streamed('BTCUSDT'), streamed('ADAUSDT'), streamed('XRPUSDT')]).toEqual([
        [8, 0.0001],
        [4, 0.00005],
        [1, 0.0000125],
      ]);

      // Drop every connection: streaming resumes, the gap is filled from REST once per product.
      const dropAt = Date.now();
      h.sim.wsFault({ kind: 'drop' });
      await until(
        'streamed spot and futures records after the drop',
        () =>
          received.some(
            (m) => m.timestamp > dropAt + 200 && m.topic === 'market.spot.ticker' && sourceOf(m) === 'binance.spot.ws',
          ) &&
          received.some(
            (m) =>
              m.timestamp > dropAt + 200 && m.topic === 'market.futures.ticker' && sourceOf(m) === 'binance.futures.ws',
          ),
        10_000,
      );
      const resumedMs = Date.now() - dropAt;
      process.stderr.write(`[stream-capture] streaming resumed ${resumedMs} ms after the drop\n`);
      expect(resumedMs).toBeLessThan(2_000 + 1_000); // reconnect within 2 s, plus one conflation interval
      await until(
        'a gap repair from REST',
        () => Object.keys(h.sim.stats().byPath).some((p) => p.startsWith('/api/v3/ticker/24hr')),
        10_000,
      );
      const repairs = await metrics.getSingleMetric('marketpipe_stream_gap_repairs_total')?.get();
      expect(repairs?.values.some((v) => v.labels['product'] === 'spot' && v.value >= 1)).toBe(true);
      // One gap record per dropped feed, naming its span around the drop, repaired by the REST poll.
      const feedOf = (g: DataGap): string => g.detail.split(':')[0] as string;
      const gapsSince = (): DataGap[] =>
        received.filter((m) => m.topic === 'market.gaps' && m.timestamp >= dropAt).map((m) => m.value as DataGap);
      const FEEDS = ['futures', 'options-market', 'options-public', 'spot', 'spot-klines'];
      await until(
        () => `a gap record for every dropped feed; have ${gapsSince().map(feedOf).join(', ')}`,
        () => FEEDS.every((f) => gapsSince().some((g) => feedOf(g) === f)),
        15_000,
      );
      await sleep(1_500);
      const gaps = gapsSince();
      expect(gaps.map(feedOf).sort()).toEqual(FEEDS);
      for (const g of gaps) {
        expect(contractViolation('market.gaps', g)).toBeUndefined();
        expect(g.cause).toBe('STREAM_LOST');
        expect(g.start).toBeLessThanOrEqual(dropAt);
        expect(g.start).toBeGreaterThan(dropAt - 3_000); // the last frame before the drop
        expect(g.end).toBeGreaterThanOrEqual(dropAt);
        expect((g.end as number) - dropAt).toBeLessThan(5_000);
        expect(g.repaired).toBe(true);
      }
      const spotGap = gaps.find((g) => g.detail.startsWith('spot:'));
      expect(spotGap).toMatchObject({ product: 'SPOT', topics: ['market.spot.ticker'], symbols: SPOT });
      expect(gaps.find((g) => g.detail.startsWith('futures:'))).toMatchObject({ product: 'FUTURES', symbols: null });
      expectNeverBackwards(fresh());
    } finally {
      controller.abort();
      await Promise.all(captures.map((c) => c.stop()));
    }
  });

  it('publishes closed candles from the kline streams, and fetches a candle the streams missed over REST, in order', async () => {
    // Real minutes: the simulator's candles follow the clock. Up to two minute boundaries (~2 min).
    const metrics = new Registry();
    const controller = new AbortController();
    const spot = new SpotCapture({
      client: client('spot', metrics),
      bus: h.bus,
      logger,
      metrics,
      config: parseConfig(CAPTURE_SPOT_CONFIG, env('ws')),
    });
    const candles = (openTime: number) =>
      received.filter(
        (m) => m.topic === 'market.spot.kline' && (m.value as { openTime: number }).openTime === openTime,
      );
    const have = (openTime: number) => new Set(candles(openTime).map((m) => m.key));
    // Not across a minute boundary while starting: the candle open at start is the first one.
    if (60_000 - (Date.now() % 60_000) < 5_000) await sleep(5_000);
    try {
      await spot.start(controller.signal);
      h.sim.resetStats();
      const started = Date.now();
      // The first candle to close after the streams started comes from the stream, for every symbol.
      const first = started - (started % 60_000);
      await until(
        () => `streamed 1m candles opening ${new Date(first).toISOString()}; have ${[...have(first)].join(', ')}`,
        () => SPOT.every((s) => have(first).has(s)),
        75_000,
      );
      for (const m of candles(first)) {
        expect(sourceOf(m)).toBe('binance.spot.ws');
        expect(contractViolation(m.topic, m.value)).toBeUndefined();
      }
      expect(Object.keys(h.sim.stats().byPath).filter((p) => p.startsWith('/api/v3/klines'))).toEqual([]);

      // Spot streams refused across the next candle's close: that candle comes from REST once the
      // streams' grace passed, and every series stays contiguous and in order.
      const second = first + 60_000;
      const boundary = second + 60_000;
      await sleep(Math.max(0, boundary - 3_000 - Date.now()));
      h.sim.wsFault({ kind: 'refuse', product: 'spot', durationMs: 8_000 });
      h.sim.wsFault({ kind: 'drop', product: 'spot' });
      await until(
        () => `1m candles opening ${new Date(second).toISOString()}; have ${[...have(second)].join(', ')}`,
        () => SPOT.every((s) => have(second).has(s)),
        40_000,
      );
      expect(candles(second).some((m) => sourceOf(m) === 'binance.spot.rest')).toBe(true);
      expect(Object.keys(h.sim.stats().byPath).some((p) => p.startsWith('/api/v3/klines'))).toBe(true);
      const series = new Map<string, number[]>();
      for (const m of received.filter((x) => x.topic === 'market.spot.kline' && x.timestamp >= started)) {
        const list = series.get(m.key) ?? [];
        list.push((m.value as { openTime: number }).openTime);
        series.set(m.key, list);
      }
      for (const s of SPOT) expect(series.get(s)).toEqual([first, second]);
    } finally {
      controller.abort();
      await spot.stop();
    }
  }, 200_000);

  it('falls back to REST polling while streams are refused (auto mode) and returns to streaming', async () => {
    const metrics = new Registry();
    const controller = new AbortController();
    const capture = new SpotCapture({
      client: client('spot', metrics),
      bus: h.bus,
      logger,
      metrics,
      config: parseConfig(CAPTURE_SPOT_CONFIG, { ...env('auto'), SPOT_TICKER_INTERVAL_MS: '500' }),
    });
    const since = Date.now();
    try {
      await capture.start(controller.signal);
      const spot = (source: string, after: number) =>
        received.some((m) => m.timestamp > after && m.topic === 'market.spot.ticker' && sourceOf(m) === source);
      await until('streamed spot records', () => spot('binance.spot.ws', since), 15_000);
      const outage = Date.now();
      h.sim.wsFault({ kind: 'refuse', durationMs: 6_000 });
      h.sim.wsFault({ kind: 'drop', product: 'spot' });
      await until('REST polling while the streams are refused', () => spot('binance.spot.rest', outage + 500), 10_000);
      await until('streaming again after the refusal ends', () => spot('binance.spot.ws', outage + 6_000), 30_000);
      const back = Date.now();
      await sleep(2_000);
      // Back on streams, the ticker loop idles: no REST ticker after the return (but the repair).
      const restAfter = received.filter(
        (m) => m.timestamp > back + 1_500 && m.topic === 'market.spot.ticker' && sourceOf(m) === 'binance.spot.rest',
      );
      expect(restAfter).toEqual([]);
      expectNeverBackwards(received.filter((m) => m.timestamp >= since && m.topic === 'market.spot.ticker'));
    } finally {
      controller.abort();
      await capture.stop();
    }
  });
});

// The three capture stages against the Binance simulator over real HTTP, publishing to real Kafka
// with the registry: normal operation, and the failures Binance and its CDN produce.
import { randomUUID } from 'node:crypto';
import { BinanceRestClient, type Product } from '@marketpipe/binance';
import { readRetained, type BusMessage, type KafkaBus } from '@marketpipe/bus';
import { startSimulator } from '@marketpipe/binance-sim';
import { CAPTURE_FUTURES_CONFIG, FuturesCapture } from '@marketpipe/capture-futures';
import { CAPTURE_OPTIONS_CONFIG, OptionsCapture } from '@marketpipe/capture-options';
import { CAPTURE_SPOT_CONFIG, SpotCapture } from '@marketpipe/capture-spot';
import { contractViolation } from '@marketpipe/contracts';
import { parseConfig } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { captureHarness } from './capture-harness';
import { sleep, until } from './wait';

/** Open times of `symbol`'s candles on a kline topic, stamped within `lookbackMs`. */
async function candleOpens(
  bus: KafkaBus,
  symbol: string,
  topic: 'market.spot.kline' | 'market.spot.kline.long' = 'market.spot.kline',
  lookbackMs = 3600_000,
): Promise<number[]> {
  const opens: number[] = [];
  await readRetained(bus, {
    groupId: `kline-reader-${randomUUID()}`,
    topics: [topic],
    lookbackMs: { [topic]: lookbackMs },
    handler: (m) => {
      if ((m.topic === 'market.spot.kline' || m.topic === 'market.spot.kline.long') && m.key === symbol)
        opens.push(m.value.openTime);
    },
  });
  return opens;
}

describe('capture services against the simulator, publishing to Kafka', () => {
  const h = captureHarness('capture-itest', { seed: 7, kafkaEnv: { ...process.env, KAFKA_TOPIC_PARTITIONS: '3' } });
  const { received, client, logger } = h;

  it('publishes valid spot tickers, closed candles, futures tickers and options chains for the default universe', async () => {
    const metrics = new Registry();
    const controller = new AbortController();
    const since = Date.now();
    const captures = [
      new SpotCapture({
        client: client('spot', metrics),
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_SPOT_CONFIG, {
          CAPTURE_MODE: 'rest',
          SPOT_KLINES: '1m:5',
          SPOT_TICKER_INTERVAL_MS: '500',
        }),
      }),
      new FuturesCapture({
        client: client('futures', metrics),
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_FUTURES_CONFIG, { CAPTURE_MODE: 'rest', FUTURES_TICKER_INTERVAL_MS: '500' }),
      }),
      new OptionsCapture({
        client: client('options', metrics),
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_OPTIONS_CONFIG, { CAPTURE_MODE: 'rest', OPTIONS_CHAIN_INTERVAL_MS: '1000' }),
      }),
    ];
    for (const c of captures) await c.start(controller.signal);
    const fresh = () => received.filter((m) => m.timestamp >= since);
    const has = (topic: string, key: string) => fresh().some((m) => m.topic === topic && m.key === key);
    const spotSymbols = ['ADAUSDT', 'BNBUSDT', 'BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'];
    const underlyings = ['BNBUSDT', 'BTCUSDT', 'DOGEUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'];
    await until(
      'every topic for BTCUSDT, and tickers and chains for the whole default universe',
      () =>
        // Candles may all be on the topic already (a series resumes after its last one): read below.
        ['market.spot.ticker', 'market.futures.ticker', 'market.options.chain'].every((t) => has(t, 'BTCUSDT')) &&
        spotSymbols.every((k) => has('market.spot.ticker', k)) &&
        ['ADAUSDT', 'XRPUSDT'].every((k) => has('market.futures.ticker', k)) &&
        underlyings.every((k) => has('market.options.chain', k)),
    );
    controller.abort();
    await Promise.all(captures.map((c) => c.stop()));
    const spotKeys = new Set(
      fresh()
        .filter((m) => m.topic === 'market.spot.ticker')
        .map((m) => m.key),
    );
    expect([...spotKeys].sort()).toEqual(spotSymbols);
    const chains = new Set(
      fresh()
        .filter((m) => m.topic === 'market.options.chain')
        .map((m) => m.key),
    );
    expect([...chains].sort()).toEqual(underlyings);
    for (const m of fresh()) expect(contractViolation(m.topic, m.value)).toBeUndefined();
    // A spot ticker's eventTime is when it was observed (the simulator's clock is the local one):
    // after the window's closeTime, before it was received, and within the request's round trip.
    for (const m of fresh())
      if (m.topic === 'market.spot.ticker') {
        const v = m.value;
        expect(v.closeTime).not.toBeNull();
        expect(v.eventTime).toBeGreaterThanOrEqual(v.closeTime as number);
        expect(v.eventTime).toBeLessThanOrEqual(v.captureTime);
        expect(v.captureTime - v.eventTime).toBeLessThan(5_000);
      }
    // Candles are closed ones only, in order, none twice; the five of the backfill are on the topic,
    // published now or found there already (a series resumes where the topic left off).
    const klines = fresh().filter((m) => m.topic === 'market.spot.kline' && m.key === 'BTCUSDT');
    const opens = klines.map((m) => (m.topic === 'market.spot.kline' ? m.value.openTime : 0));
    expect(new Set(opens).size).toBe(opens.length);
    const held = await candleOpens(h.bus, 'BTCUSDT');
    const lastClosed = Math.floor(since / 60_000) * 60_000 - 60_000;
    for (let i = 0; i < 5; i++) expect(held).toContain(lastClosed - i * 60_000);
    for (const m of klines)
      if (m.topic === 'market.spot.kline') expect(m.value.closeTime).toBeLessThan(m.value.captureTime);
    // Futures carry funding and open interest; options carry greeks and a summary.
    const fut = fresh().find((m) => m.topic === 'market.futures.ticker' && m.key === 'BTCUSDT');
    if (fut?.topic !== 'market.futures.ticker') throw new Error('no futures ticker');
    expect(fut.value.fundingRate).not.toBeNull();
    expect(fut.value.openInterest).not.toBeNull();
    expect(fut.value.basis).toBeCloseTo(fut.value.markPrice - fut.value.indexPrice, 9);
    // Funding terms per symbol from fundingInfo and premiumIndex: the simulator funds ADAUSDT
    // 4-hourly and XRPUSDT hourly, each with its interval's share of the 0.01 % per 8 h interest.
    const terms = (symbol: string): unknown[] => {
      const m = fresh().find((x) => x.topic === 'market.futures.ticker' && x.key === symbol);
      return m?.topic === 'market.futures.ticker' ? [m.value.fundingIntervalHours, m.value.interestRate] : [];
    };
    expect([terms('BTCUSDT'), terms('ADAUSDT'), terms('XRPUSDT')]).toEqual([
      [8, 0.0001],
      [4, 0.00005],
      [1, 0.0000125],
    ]);
    const chain = fresh().find((m) => m.topic === 'market.options.chain' && m.key === 'BTCUSDT');
    if (chain?.topic !== 'market.options.chain') throw new Error('no chain');
    expect(chain.value.contracts.length).toBeGreaterThan(10);
    expect(chain.value.summary.atmIV).not.toBeNull();
  });

  it('publishes no candle twice across a capture-spot restart: each series resumes from its topic', async () => {
    const since = Date.now();
    const run = async (): Promise<void> => {
      const metrics = new Registry();
      const controller = new AbortController();
      const capture = new SpotCapture({
        client: client('spot', metrics),
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_SPOT_CONFIG, { CAPTURE_MODE: 'rest', SPOT_KLINES: '1m:5,1h:24' }),
      });
      await capture.start(controller.signal);
      controller.abort();
      await capture.stop();
    };
    await run();
    await run();
    // Everything on the topics stamped since: each (symbol, interval, openTime) once.
    const seen = new Map<string, number>();
    const count = (m: BusMessage): void => {
      if (m.topic !== 'market.spot.kline' && m.topic !== 'market.spot.kline.long') return;
      const id = `${m.value.symbol} ${m.value.interval} ${m.value.openTime}`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    };
    await readRetained(h.bus, {
      groupId: `kline-reader-${randomUUID()}`,
      topics: ['market.spot.kline', 'market.spot.kline.long'],
      lookbackMs: { 'market.spot.kline': Date.now() - since, 'market.spot.kline.long': Date.now() - since },
      handler: count,
    });
    const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice).toEqual([]);
    // The hourly series went to their own topic, and both intervals are complete for the backfill.
    const held1h = await candleOpens(h.bus, 'BTCUSDT', 'market.spot.kline.long', 26 * 3600_000);
    const lastHour = Math.floor(Date.now() / 3600_000) * 3600_000 - 3600_000;
    for (let i = 0; i < 24; i++) expect(held1h).toContain(lastHour - i * 3600_000);
    const held1m = await candleOpens(h.bus, 'BTCUSDT');
    const lastMinute = Math.floor(since / 60_000) * 60_000 - 60_000;
    for (let i = 0; i < 5; i++) expect(held1m).toContain(lastMinute - i * 60_000);
  }, 120_000);

  it('captures the full universe (~2,000 spot symbols, ~500 contracts, ~1,400 options) within the weight budgets', async () => {
    const full = await startSimulator({ port: 0, universe: 'full', seed: 3 });
    const metrics = new Registry();
    const controller = new AbortController();
    const since = Date.now();
    const mk = (product: Product) =>
      new BinanceRestClient({ product, baseUrl: full.url, logger, metrics, timeoutMs: 5_000 });
    const clients = [mk('spot'), mk('futures'), mk('options')];
    const captures = [
      new SpotCapture({
        client: clients[0] as BinanceRestClient,
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_SPOT_CONFIG, { CAPTURE_MODE: 'rest', SPOT_SYMBOLS: 'ALL', SPOT_KLINES: '1m:0' }),
      }),
      new FuturesCapture({
        client: clients[1] as BinanceRestClient,
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_FUTURES_CONFIG, { CAPTURE_MODE: 'rest', FUTURES_SYMBOLS: 'ALL' }),
      }),
      new OptionsCapture({
        client: clients[2] as BinanceRestClient,
        bus: h.bus,
        logger,
        metrics,
        config: parseConfig(CAPTURE_OPTIONS_CONFIG, { CAPTURE_MODE: 'rest', OPTIONS_UNDERLYINGS: 'ALL' }),
      }),
    ];
    for (const c of captures) await c.start(controller.signal);
    const count = (topic: string) =>
      new Set(received.filter((m) => m.topic === topic && m.timestamp >= since).map((m) => m.key)).size;
    await until(
      'the full universe on every topic',
      () =>
        count('market.spot.ticker') >= 1900 &&
        count('market.futures.ticker') >= 450 &&
        count('market.options.chain') >= 6,
      60_000,
    );
    controller.abort();
    await Promise.all(captures.map((c) => c.stop()));
    const stats = full.stats();
    expect(stats.byStatus['429'] ?? 0).toBe(0);
    expect(stats.byStatus['418'] ?? 0).toBe(0);
    // Bulk futures requests (40 + 10 weight) cannot run every second inside 80 % of 2,400: the cadence stretched.
    expect((captures[1] as FuturesCapture).cadences()['tickers']).toBeGreaterThan(1000);
    for (const c of clients) await c.close();
    await full.close();
  }, 90_000);

  it('rides out a 429 storm without a single 418, waiting as Retry-After says', async () => {
    h.sim.resetStats();
    h.sim.resetLimits();
    const metrics = new Registry();
    const c = client('spot', metrics);
    h.sim.addFault({ kind: 'storm429', product: 'spot', retryAfterSec: 2, durationMs: 5_000 });
    const started = Date.now();
    const results: string[] = [];
    for (let i = 0; i < 6; i++) {
      results.push(
        await c.get('ticker/24hr', { symbol: 'BTCUSDT' }).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      );
    }
    const stats = h.sim.stats();
    expect(stats.byStatus['418'] ?? 0).toBe(0);
    expect(results[0]).toBe('RateLimitedError');
    expect(results.at(-1)).toBe('ok');
    // Every request after a 429 waited the Retry-After: 6 calls through a 5 s storm need ≥ 5 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    expect(stats.total).toBeLessThanOrEqual(6);
    await c.close();
  });

  it('opens the breaker on a 5xx burst, keeps the request count bounded, and publishes again after recovery', async () => {
    h.sim.resetStats();
    h.sim.clearFaults();
    const metrics = new Registry();
    const c = client('spot', metrics, { retries: 0, breaker: { resetTimeoutMs: 1_000, volumeThreshold: 3 } });
    const controller = new AbortController();
    const capture = new SpotCapture({
      client: c,
      bus: h.bus,
      logger,
      metrics,
      config: parseConfig(CAPTURE_SPOT_CONFIG, {
        CAPTURE_MODE: 'rest',
        SPOT_KLINES: '1m:0',
        SPOT_TICKER_INTERVAL_MS: '100',
      }),
    });
    await capture.start(controller.signal);
    h.sim.addFault({ kind: 'status', status: 503, product: 'spot', path: '/api/v3/ticker/*', durationMs: 4_000 });
    const before = h.sim.stats().byPath['/api/v3/ticker/24hr']?.count ?? 0;
    await sleep(4_000);
    const during = (h.sim.stats().byPath['/api/v3/ticker/24hr']?.count ?? 0) - before;
    // At 10 polls/s an unguarded client would have sent ~40; the breaker lets through the first
    // failures and one half-open probe per second.
    expect(during).toBeLessThanOrEqual(12);
    expect(c.breakerStates()['ticker/24hr']).not.toBe('closed');
    const since = Date.now();
    await until(
      'tickers after recovery',
      () => received.some((m) => m.topic === 'market.spot.ticker' && m.timestamp > since),
      15_000,
    );
    controller.abort();
    await capture.stop();
    await c.close();
  });

  it('rejects malformed, truncated and wrongly typed payloads, counts them and publishes nothing invalid', async () => {
    h.sim.clearFaults();
    const metrics = new Registry();
    const c = client('spot', metrics, { retries: 0, breaker: { volumeThreshold: 1000 } });
    const controller = new AbortController();
    const capture = new SpotCapture({
      client: c,
      bus: h.bus,
      logger,
      metrics,
      config: parseConfig(CAPTURE_SPOT_CONFIG, {
        CAPTURE_MODE: 'rest',
        SPOT_KLINES: '1m:0',
        SPOT_TICKER_INTERVAL_MS: '200',
      }),
    });
    await capture.start(controller.signal);
    const since = Date.now();
    h.sim.addFault({ kind: 'malformed', product: 'spot', path: '/api/v3/ticker/*', count: 2 });
    h.sim.addFault({ kind: 'truncate', product: 'spot', path: '/api/v3/ticker/*', count: 2 });
    h.sim.addFault({
      kind: 'wrongTypes',
      product: 'spot',
      path: '/api/v3/ticker/*',
      mutation: 'garbage',
      field: 'lastPrice',
      count: 3,
    });
    await sleep(3_000);
    controller.abort();
    await capture.stop();
    await c.close();
    const text = await metrics.metrics();
    expect(text).toMatch(
      /marketpipe_binance_requests_total\{product="spot",endpoint="ticker\/24hr",outcome="body"\} [1-9]/,
    );
    expect(text).toMatch(
      /marketpipe_binance_payload_rejected_total\{product="spot",endpoint="\/api\/v3\/ticker\/24hr"\} [1-9]/,
    );
    const published = received.filter((m) => m.topic === 'market.spot.ticker' && m.timestamp >= since);
    expect(published.length).toBeGreaterThan(0);
    for (const m of published) expect(contractViolation(m.topic, m.value)).toBeUndefined();
  });

  it('trips the timeout on a hanging endpoint', async () => {
    h.sim.clearFaults();
    const metrics = new Registry();
    const c = client('futures', metrics, { retries: 0, timeoutMs: 500 });
    h.sim.addFault({ kind: 'hang', product: 'futures', path: '/fapi/v1/premiumIndex', count: 1 });
    const started = Date.now();
    const err = await c.get('premiumIndex').catch((e: unknown) => e);
    expect((err as Error).name).toBe('TransportError');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await metrics.getSingleMetricAsString('marketpipe_binance_requests_total')).toContain(
      'outcome="timeout"} 1',
    );
    await c.close();
  });
});

import { createLogger } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import {
  BannedError,
  BinanceHttpError,
  BinanceRestClient,
  BodyError,
  BreakerOpenError,
  RateLimitedError,
  TransportError,
  type BinanceClientOptions,
} from '../../src/rest';
import { json, scriptedServer, type ScriptedServer } from './scripted-server';

const logger = createLogger('test', 'silent');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('BinanceRestClient', () => {
  let server: ScriptedServer;
  let client: BinanceRestClient;
  let metrics: Registry;

  function makeClient(overrides: Partial<BinanceClientOptions> = {}): BinanceRestClient {
    metrics = new Registry();
    client = new BinanceRestClient({
      product: 'spot',
      baseUrl: server.url,
      logger,
      metrics,
      timeoutMs: 300,
      retries: 2,
      backoff: { baseMs: 5, maxMs: 20 },
      breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 400, rollingWindowMs: 5_000 },
      ...overrides,
    });
    return client;
  }

  beforeEach(async () => {
    server = await scriptedServer();
  });
  afterEach(async () => {
    await client?.close();
    await server.close();
  });

  it('returns the parsed JSON and adopts the server used-weight header', async () => {
    server.handle((_req, res) => json(res, 200, [{ symbol: 'BTCUSDT' }], { 'x-mbx-used-weight-1m': '123' }));
    makeClient();
    await expect(client.get('ticker/24hr', { symbols: ['BTCUSDT', 'ETHUSDT'] })).resolves.toEqual([
      { symbol: 'BTCUSDT' },
    ]);
    expect(server.requests[0]?.path).toBe('/api/v3/ticker/24hr?symbols=["BTCUSDT","ETHUSDT"]');
    expect(client.budget.snapshot().used).toBe(123);
  });

  it('reports the weight of the current minute at scrape time, 0 once a minute passed without requests', async () => {
    server.handle((_req, res) => json(res, 200, [], { 'x-mbx-used-weight-1m': '84' }));
    let clock = Date.UTC(2026, 10, 25, 12, 0, 10);
    makeClient({ now: () => clock });
    await client.get('ticker/24hr');
    const used = async (): Promise<number | undefined> =>
      (await metrics.getSingleMetric('marketpipe_binance_weight_used')?.get())?.values.find(
        (v) => v.labels['product'] === 'spot',
      )?.value;
    expect(await used()).toBe(84);
    clock += 60_000; // the next minute: streams carry the data, no request is made
    expect(await used()).toBe(0);
  });

  it('spends the documented weight before sending', async () => {
    server.handle((_req, res) => json(res, 200, []));
    makeClient();
    await client.get('ticker/24hr');
    await client.get('exchangeInfo');
    expect(client.budget.snapshot().used).toBe(80 + 20);
  });

  it('retries a 5xx with backoff and returns the eventual answer', async () => {
    server.handle((_req, res, n) =>
      n < 3 ? json(res, 502, { code: -1001, msg: 'Internal error' }) : json(res, 200, { ok: 1 }),
    );
    makeClient();
    await expect(client.get('ping')).resolves.toEqual({ ok: 1 });
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after the bounded retries with the last error', async () => {
    server.handle((_req, res) => json(res, 503, { code: -1001, msg: 'Service Unavailable.' }));
    makeClient({ breaker: { volumeThreshold: 100 } });
    const err = await client.get('ping').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinanceHttpError);
    expect((err as BinanceHttpError).status).toBe(503);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400 and surfaces Binance code and message', async () => {
    server.handle((_req, res) => json(res, 400, { code: -1121, msg: 'Invalid symbol.' }));
    makeClient();
    const err = await client.get('ticker/24hr', { symbol: 'NOPE' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinanceHttpError);
    expect((err as BinanceHttpError).code).toBe(-1121);
    expect((err as Error).message).toBe('binance spot ticker/24hr: HTTP 400 code -1121: Invalid symbol.');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hanging endpoint and retries within the bound', async () => {
    server.handle(() => undefined);
    makeClient({ retries: 1, breaker: { volumeThreshold: 100 } });
    const started = Date.now();
    const err = await client.get('ping').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain('no complete response within 300 ms');
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('rejects a 200 whose body is an HTML page, naming it', async () => {
    server.handle((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>'),
    );
    makeClient({ retries: 0 });
    const err = await client.get('ping').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BodyError);
    expect((err as Error).message).toContain('200 with a body that is not JSON');
  });

  it('holds every request after a 429 until Retry-After has passed', async () => {
    server.handle((_req, res, n) =>
      n === 1
        ? json(res, 429, { code: -1003, msg: 'Too much request weight used' }, { 'retry-after': '1' })
        : json(res, 200, {}),
    );
    makeClient();
    const err = await client.get('ping').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(server.requests).toHaveLength(1); // a 429 is not retried: retrying is what earns a ban
    await client.get('ping');
    const gap = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('stops calling the product after a 418 until the ban ends, failing fast', async () => {
    server.handle((_req, res) =>
      json(
        res,
        418,
        { code: -1003, msg: 'Way too much request weight used; IP banned until 9999999999999.' },
        { 'retry-after': '60' },
      ),
    );
    makeClient();
    const err = await client.get('ping').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BannedError);
    const until = (err as BannedError).until;
    expect(until - Date.now()).toBeGreaterThan(55_000);
    const again = await client.get('exchangeInfo').catch((e: unknown) => e);
    expect(again).toBeInstanceOf(BannedError);
    expect(server.requests).toHaveLength(1);
    expect(await metrics.getSingleMetricAsString('marketpipe_binance_banned')).toContain(
      'marketpipe_binance_banned{product="spot"} 1',
    );
  });

  it('takes the ban end from the -1003 message when there is no Retry-After', async () => {
    const end = Date.now() + 30_000;
    server.handle((_req, res) =>
      json(res, 418, { code: -1003, msg: `Way too much request weight used; IP banned until ${end}.` }),
    );
    makeClient();
    const err = (await client.get('ping').catch((e: unknown) => e)) as BannedError;
    expect(err.until).toBe(end);
  });

  it('opens the breaker on repeated 5xx, sends nothing while open, and closes after a good half-open probe', async () => {
    let healthy = false;
    server.handle((_req, res) => (healthy ? json(res, 200, { ok: 1 }) : json(res, 500, { code: -1000, msg: 'boom' })));
    makeClient({ retries: 0 });
    for (let i = 0; i < 3; i++) await client.get('ticker/24hr').catch(() => undefined);
    expect(client.breakerStates()['ticker/24hr']).toBe('open');
    const sent = server.requests.length;
    for (let i = 0; i < 20; i++) {
      await expect(client.get('ticker/24hr')).rejects.toBeInstanceOf(BreakerOpenError);
    }
    expect(server.requests.length).toBe(sent);
    // Other endpoint families are unaffected.
    healthy = true;
    await expect(client.get('exchangeInfo')).resolves.toEqual({ ok: 1 });
    await new Promise((r) => setTimeout(r, 450));
    expect(client.breakerStates()['ticker/24hr']).toBe('half-open');
    await expect(client.get('ticker/24hr')).resolves.toEqual({ ok: 1 });
    expect(client.breakerStates()['ticker/24hr']).toBe('closed');
    const text = await metrics.getSingleMetricAsString('marketpipe_binance_breaker_transitions_total');
    expect(text).toContain('to="open"} 1');
    expect(text).toContain('to="half_open"} 1');
    expect(text).toContain('to="closed"} 1');
  });

  it('closes a half-open breaker that no call probes for a reset period, and says so in the gauge', async () => {
    server.handle((_req, res) => json(res, 500, { code: -1000, msg: 'boom' }));
    makeClient({ retries: 0, breaker: { volumeThreshold: 3, resetTimeoutMs: 200 } });
    for (let i = 0; i < 3; i++) await client.get('ticker/24hr').catch(() => undefined);
    const gauge = async (): Promise<number | undefined> =>
      (await metrics.getSingleMetric('marketpipe_binance_breaker_state')?.get())?.values.find(
        (v) => v.labels['family'] === 'ticker/24hr',
      )?.value;
    expect(await gauge()).toBe(2);
    await sleep(300); // half-open from 200 ms
    expect(client.breakerStates()['ticker/24hr']).toBe('half-open');
    expect(await gauge()).toBe(1);
    // The family is not called any more (streams carry it): half-open for another reset period → closed.
    await sleep(300);
    expect(client.breakerStates()['ticker/24hr']).toBe('closed');
    expect(await gauge()).toBe(0);
    const text = await metrics.getSingleMetricAsString('marketpipe_binance_breaker_transitions_total');
    expect(text).toContain('to="closed"} 1');
    expect(server.requests).toHaveLength(3); // closed without sending a probe
  });

  it('a probe still in flight when the idle period ends decides, not the idle timer', async () => {
    server.handle((_req, res, n) =>
      n <= 3
        ? json(res, 500, { code: -1000, msg: 'boom' })
        : void setTimeout(() => json(res, 500, { code: -1000, msg: 'boom' }), 400),
    );
    makeClient({ retries: 0, timeoutMs: 2_000, breaker: { volumeThreshold: 3, resetTimeoutMs: 200 } });
    for (let i = 0; i < 3; i++) await client.get('ticker/24hr').catch(() => undefined);
    await sleep(300);
    expect(client.breakerStates()['ticker/24hr']).toBe('half-open');
    const probe = client.get('ticker/24hr').catch(() => undefined); // answered 400 ms later
    await sleep(250); // past where the idle timer would have fired
    expect(client.breakerStates()['ticker/24hr']).toBe('half-open');
    await probe;
    expect(client.breakerStates()['ticker/24hr']).toBe('open'); // the probe failed
    const text = await metrics.getSingleMetricAsString('marketpipe_binance_breaker_transitions_total');
    expect(text).not.toContain('to="closed"');
  });

  it('does not count 4xx answers against the breaker', async () => {
    server.handle((_req, res) => json(res, 400, { code: -1121, msg: 'Invalid symbol.' }));
    makeClient({ retries: 0 });
    for (let i = 0; i < 10; i++) await client.get('ticker/24hr', { symbol: 'X' }).catch(() => undefined);
    expect(client.breakerStates()['ticker/24hr']).toBe('closed');
    expect(server.requests).toHaveLength(10);
  });

  it('treats a reset connection as a transport failure', async () => {
    server.handle((req) => req.socket.destroy());
    makeClient({ retries: 0 });
    const err = await client.get('ping').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain('connection failed');
  });
});

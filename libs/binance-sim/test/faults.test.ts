// Every fault kind is observable by a client, switchable in-process and over the admin API.

import { startTestSim, T0, type TestSim } from './helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.clearFaults();
  sim.resetStats();
  sim.resetLimits();
  sim.clock.now = T0;
});

const TICKER = '/api/v3/ticker/24hr?symbol=BTCUSDT';

describe('fault injection', () => {
  it('latency delays the answer', async () => {
    sim.addFault({ kind: 'latency', latencyMs: 300, path: '/api/v3/ticker/*' });
    let started = performance.now();
    expect((await sim.get(TICKER)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    started = performance.now();
    await sim.get('/api/v3/ping'); // other paths are not delayed
    expect(performance.now() - started).toBeLessThan(250);
    expect(sim.stats().faults.latency).toBe(1);
  });

  it('a 5xx burst of N requests, with Binance bodies (JSON from the API, HTML from the CDN)', async () => {
    sim.addFault({ kind: 'status', status: 503, count: 2, product: 'spot' });
    for (let i = 0; i < 2; i++) {
      const res = await sim.get(TICKER);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        code: -1001,
        msg: 'Internal error; unable to process your request. Please try again.',
      });
    }
    expect((await sim.get(TICKER)).status).toBe(200);
    expect((await sim.get('/fapi/v1/ping')).status).toBe(200);
    sim.addFault({ kind: 'status', status: 500, count: 1 });
    expect(((await (await sim.get(TICKER)).json()) as { code: number }).code).toBe(-1000);
    sim.addFault({ kind: 'status', status: 504, count: 1 });
    const gw = await sim.get(TICKER);
    expect(gw.status).toBe(504);
    expect(gw.headers.get('content-type')).toBe('text/html');
    expect(await gw.text()).toContain('504 ERROR');
    expect(sim.stats().byPath['/api/v3/ticker/24hr']).toEqual({
      count: 5,
      byStatus: { '503': 2, '200': 1, '500': 1, '504': 1 },
    });
  });

  it('a 5xx burst for a duration of the model clock', async () => {
    sim.addFault({ kind: 'status', status: 502, durationMs: 10_000 });
    expect((await sim.get(TICKER)).status).toBe(502);
    sim.clock.now = T0 + 9_999;
    expect((await sim.get(TICKER)).status).toBe(502);
    sim.clock.now = T0 + 10_000;
    expect((await sim.get(TICKER)).status).toBe(200);
  });

  it('an HTML error page like the CDN serves', async () => {
    sim.addFault({ kind: 'html', count: 1 });
    const res = await sim.get('/fapi/v1/premiumIndex');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('text/html');
    const text = await res.text();
    expect(text.startsWith('<!DOCTYPE HTML')).toBe(true);
    expect(text).toContain('The request could not be satisfied');
    await expect(Promise.resolve(text).then((t) => JSON.parse(t) as unknown)).rejects.toThrow(SyntaxError);
  });

  it('a hang: no answer until the client gives up', async () => {
    sim.addFault({ kind: 'hang', count: 1, product: 'options' });
    await expect(sim.get('/eapi/v1/mark', { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    expect((await sim.get('/eapi/v1/mark')).status).toBe(200);
    expect(sim.stats().byStatus.hang).toBe(1);
  });

  it('a connection reset', async () => {
    sim.addFault({ kind: 'reset', count: 1 });
    const err = await sim.get(TICKER).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TypeError'); // fetch failed
    const cause = (err as { cause?: { code?: string } }).cause;
    expect(cause?.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(sim.stats().byStatus.reset).toBe(1);
  });

  it('malformed JSON: status 200, a body no JSON parser accepts', async () => {
    sim.addFault({ kind: 'malformed', count: 1 });
    const res = await sim.get(TICKER);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(',,');
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  it('a truncated body: the full Content-Length is promised, part is sent, the connection closes', async () => {
    sim.addFault({ kind: 'truncate', count: 1, ratio: 0.4 });
    const res = await sim.get('/api/v3/ticker/24hr');
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect((await sim.get('/api/v3/ticker/24hr')).status).toBe(200);
  });

  it.each([
    ['number', (v: unknown) => typeof v === 'number'],
    ['garbage', (v: unknown) => v === 'abc'],
    ['null', (v: unknown) => v === null],
  ] as const)('wrong types: %s in the first numeric field, or a named one', async (mutation, check) => {
    sim.addFault({ kind: 'wrongTypes', mutation, count: 1 });
    const broken = (await (await sim.get(TICKER)).json()) as Record<string, unknown>;
    expect(check(broken.priceChange)).toBe(true);
    expect(typeof broken.lastPrice).toBe('string');
    sim.addFault({ kind: 'wrongTypes', mutation, field: 'lastPrice', count: 1 });
    const rows = (await (await sim.get('/api/v3/ticker/24hr')).json()) as Record<string, unknown>[];
    expect(check(rows[0]?.lastPrice)).toBe(true);
    expect(typeof rows[1]?.lastPrice).toBe('string'); // only the first record, unless `all`
  });

  it('wrong types: a missing field, in every record; kline arrays lose their open price', async () => {
    sim.addFault({ kind: 'wrongTypes', mutation: 'missing', field: 'markPrice', all: true, count: 1 });
    const rows = (await (await sim.get('/fapi/v1/premiumIndex')).json()) as Record<string, unknown>[];
    expect(rows.every((r) => !('markPrice' in r))).toBe(true);
    sim.addFault({ kind: 'wrongTypes', mutation: 'number', count: 1 });
    const k = (await (await sim.get('/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=2')).json()) as unknown[][];
    expect(typeof k[0]?.[1]).toBe('number');
  });

  it('a 429 storm: every request 429 with Retry-After, whatever its weight, no ban', async () => {
    sim.addFault({ kind: 'storm429', retryAfterSec: 7, product: 'spot' });
    for (let i = 0; i < 5; i++) {
      const res = await sim.get('/api/v3/ping');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(((await res.json()) as { code: number }).code).toBe(-1003);
    }
    sim.clearFaults();
    expect((await sim.get('/api/v3/ping')).status).toBe(200);
  });

  it('probability applies a rule to a seeded share of the requests', async () => {
    sim.addFault({ kind: 'status', status: 500, probability: 0.5 });
    let failed = 0;
    for (let i = 0; i < 40; i++) if ((await sim.get('/api/v3/ping')).status === 500) failed++;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
  });
});

describe('admin API', () => {
  it('adds, lists and removes faults; reports stats; resets limits', async () => {
    const post = await sim.get('/__sim/faults', {
      method: 'POST',
      body: JSON.stringify([
        { kind: 'status', status: 503, path: '/fapi/v1/*' },
        { kind: 'latency', latencyMs: 1 },
      ]),
    });
    expect(post.status).toBe(201);
    const { ids } = (await post.json()) as { ids: string[] };
    expect(ids).toHaveLength(2);
    expect(((await (await sim.get('/__sim/faults')).json()) as unknown[]).length).toBe(2);
    expect((await sim.get('/fapi/v1/ping')).status).toBe(503);
    expect((await sim.get('/__sim/faults/' + String(ids[0]), { method: 'DELETE' })).status).toBe(204);
    expect((await sim.get('/fapi/v1/ping')).status).toBe(200);
    expect((await sim.get('/__sim/faults', { method: 'DELETE' })).status).toBe(204);
    expect(await (await sim.get('/__sim/faults')).json()).toEqual([]);

    const stats = (await (await sim.get('/__sim/stats')).json()) as {
      total: number;
      byPath: Record<string, { count: number }>;
    };
    expect(stats.total).toBe(2);
    expect(stats.byPath['/fapi/v1/ping']?.count).toBe(2);
    expect((await sim.get('/__sim/stats', { method: 'DELETE' })).status).toBe(204);
    expect(((await (await sim.get('/__sim/stats')).json()) as { total: number }).total).toBe(0);

    expect((await sim.get('/__sim/limits/reset', { method: 'POST' })).status).toBe(204);
    const info = (await (await sim.get('/__sim/info')).json()) as { universe: string; symbols: { spot: number } };
    expect(info.universe).toBe('default');
    expect(info.symbols.spot).toBe(6);
  });

  it('rejects invalid rules with 400 and a reason', async () => {
    const res = await sim.get('/__sim/faults', { method: 'POST', body: '{"kind":"explode"}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/kind must be one of/);
    expect((await sim.get('/__sim/faults', { method: 'POST', body: 'not json' })).status).toBe(400);
  });

  it('admin calls are neither counted, limited nor faulted', async () => {
    sim.addFault({ kind: 'status', status: 500 });
    expect((await sim.get('/__sim/stats')).status).toBe(200);
    expect(sim.stats().total).toBe(0);
  });
});

// Bad requests get Binance's status codes and {code,msg} bodies.

import { fixture, startTestSim, type TestSim } from './helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

async function error(path: string): Promise<{ status: number; body: unknown }> {
  const res = await sim.get(path);
  return { status: res.status, body: await res.json() };
}

const q = (s: string): string => encodeURIComponent(s);

describe('request errors', () => {
  it.each([
    '/api/v3/ticker/24hr?symbol=NOPEUSDT',
    '/api/v3/ticker/price?symbol=NOPEUSDT',
    '/api/v3/ticker/bookTicker?symbol=NOPEUSDT',
    '/api/v3/klines?symbol=NOPEUSDT&interval=1m',
    '/api/v3/ticker/24hr?symbols=' + q('["BTCUSDT","NOPEUSDT"]'),
    '/fapi/v1/ticker/24hr?symbol=NOPEUSDT',
    '/fapi/v1/premiumIndex?symbol=NOPEUSDT',
    '/fapi/v1/openInterest?symbol=NOPEUSDT',
    '/eapi/v1/mark?symbol=BTC-200101-1-C',
    '/eapi/v1/ticker?symbol=NOPE',
    '/eapi/v1/index?underlying=NOPEUSDT',
  ])('%s → 400 with the recorded -1121 body', async (path) => {
    expect(await error(path)).toEqual({ status: 400, body: fixture('errors/invalid_symbol_-1121.json') });
  });

  it.each([
    [
      '/api/v3/ticker/24hr?symbol=btcusdt',
      -1100,
      "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.",
    ],
    ['/api/v3/ticker/24hr?symbols=' + q('["BTCUSDT", "ETHUSDT"]'), -1100, undefined],
    [
      '/api/v3/ticker/24hr?symbols=' + q('["BTCUSDT","BTCUSDT"]'),
      -1151,
      'Symbol is present multiple times in the list.',
    ],
    ['/api/v3/ticker/24hr?symbol=BTCUSDT&symbols=' + q('["BTCUSDT"]'), -1128, undefined],
    ['/api/v3/ticker/24hr?symbol=BTCUSDT&type=HUGE', -1139, 'Invalid ticker type.'],
    ['/api/v3/ticker/24hr?symbol=', -1105, "Parameter 'symbol' was empty."],
    [
      '/api/v3/klines?symbol=BTCUSDT',
      -1102,
      "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.",
    ],
    ['/api/v3/klines?symbol=BTCUSDT&interval=2m', -1120, 'Invalid interval.'],
    ['/fapi/v1/klines?symbol=BTCUSDT&interval=1s', -1120, 'Invalid interval.'], // 1s is spot's only
    ['/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=abc', -1100, undefined],
    ['/api/v3/ticker/24hr?symbol=BTCUSDT&foo=1', -1103, 'An unknown parameter was sent.'],
    ['/api/v3/ticker/24hr?symbol=BTCUSDT&symbol=ETHUSDT', -1101, undefined],
    ['/fapi/v1/ticker/24hr?symbols=' + q('["BTCUSDT"]'), -1103, undefined], // futures have no `symbols`
    ['/fapi/v1/openInterest', -1102, undefined],
    ['/eapi/v1/openInterest?underlyingAsset=BTC', -1102, undefined],
  ])('%s → 400 %d', async (path, code, msg) => {
    const e = await error(path);
    expect(e.status).toBe(400);
    expect((e.body as { code: number }).code).toBe(code);
    if (msg) expect((e.body as { msg: string }).msg).toBe(msg);
  });

  it('unknown paths are 404, other methods 405', async () => {
    expect((await sim.get('/api/v3/nope')).status).toBe(404);
    expect((await sim.get('/eapi/v1/ticker/24hr')).status).toBe(404); // options have no ticker/24hr
    expect((await sim.get('/api/v3/ticker/24hr', { method: 'POST' })).status).toBe(405);
  });
});

describe('spot request options', () => {
  it('X-MBX-TIME-UNIT: MICROSECOND writes every time field in µs', async () => {
    const headers = { 'X-MBX-TIME-UNIT': 'MICROSECOND' };
    const ms = await sim.json<{ closeTime: number; openTime: number }>('/api/v3/ticker/24hr?symbol=BTCUSDT');
    const us = (await (await sim.get('/api/v3/ticker/24hr?symbol=BTCUSDT', { headers })).json()) as typeof ms;
    expect(us.closeTime).toBe(ms.closeTime * 1000);
    expect(us.openTime).toBe(ms.openTime * 1000);
    const k = (await (
      await sim.get('/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1', { headers })
    ).json()) as number[][];
    expect((k[0]?.[6] ?? 0) - (k[0]?.[0] ?? 0)).toBe(60_000_000 - 1);
    const time = (await (await sim.get('/api/v3/time', { headers })).json()) as { serverTime: number };
    expect(time.serverTime).toBe(sim.clock.now * 1000);
    // µs time parameters are accepted too
    const start = (k[0]?.[0] ?? 0) - 120_000_000;
    const back = await sim.json<number[][]>(`/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${start}&limit=1`);
    expect(back[0]?.[0]).toBe(start / 1000);
    // futures ignore the header
    const f = (await (await sim.get('/fapi/v1/time', { headers })).json()) as { serverTime: number };
    expect(f.serverTime).toBe(sim.clock.now);
  });

  it('timeZone shifts the buckets of klines (start/end stay UTC)', async () => {
    const utc = await sim.json<number[][]>('/api/v3/klines?symbol=BTCUSDT&interval=1d&limit=2');
    const plus8 = await sim.json<number[][]>('/api/v3/klines?symbol=BTCUSDT&interval=1d&limit=2&timeZone=%2B08:00');
    expect(new Date(utc[0]?.[0] ?? 0).getUTCHours()).toBe(0);
    expect(new Date(plus8[0]?.[0] ?? 0).getUTCHours()).toBe(16);
    expect((await sim.get('/api/v3/klines?symbol=BTCUSDT&interval=1d&timeZone=%2B15:00')).status).toBe(400);
  });
});

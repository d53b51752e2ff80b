// Request weights per endpoint and product, X-MBX-USED-WEIGHT-1M per clock-aligned minute, 429
// with Retry-After over the limit, 418 bans for clients that keep going.

import { fixture, startTestSim, T0, type TestSim } from './helpers';

const used = (res: Response): number => Number(res.headers.get('x-mbx-used-weight-1m'));
const symbols = (n: number): string =>
  encodeURIComponent(JSON.stringify(Array.from({ length: n }, (_, i) => `SYM${i}USDT`)));

describe('request weights (BINANCE_API.md §1.2, §2.2, §3.2)', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetLimits());

  /** The weight one request adds to the product's counter (failed requests are charged too). */
  async function weight(path: string): Promise<number> {
    const product = path.split('/')[1] as string;
    const probe = { api: '/api/v3/ping', fapi: '/fapi/v1/ping', eapi: '/eapi/v1/ping' }[product] as string;
    const before = used(await sim.get(probe)) - 1;
    const after = used(await sim.get(path));
    return after - before - 1;
  }

  it.each([
    ['/api/v3/ping', 1],
    ['/api/v3/time', 1],
    ['/api/v3/exchangeInfo', 20],
    ['/api/v3/ticker/24hr?symbol=BTCUSDT', 2],
    ['/api/v3/ticker/24hr?symbols=' + encodeURIComponent('["BTCUSDT","ETHUSDT"]'), 2],
    ['/api/v3/ticker/24hr?symbols=' + symbols(20), 2],
    ['/api/v3/ticker/24hr?symbols=' + symbols(21), 40],
    ['/api/v3/ticker/24hr?symbols=' + symbols(100), 40],
    ['/api/v3/ticker/24hr?symbols=' + symbols(101), 80],
    ['/api/v3/ticker/24hr', 80],
    ['/api/v3/ticker/24hr?type=MINI', 80],
    ['/api/v3/ticker/price?symbol=BTCUSDT', 2],
    ['/api/v3/ticker/price', 4],
    ['/api/v3/ticker/bookTicker?symbol=BTCUSDT', 2],
    ['/api/v3/ticker/bookTicker?symbols=' + encodeURIComponent('["BTCUSDT"]'), 4],
    ['/api/v3/klines?symbol=BTCUSDT&interval=1m', 2],
    ['/api/v3/ticker/24hr?symbol=NOPEUSDT', 2],
    ['/fapi/v1/ping', 1],
    ['/fapi/v1/exchangeInfo', 1],
    ['/fapi/v1/ticker/24hr?symbol=BTCUSDT', 1],
    ['/fapi/v1/ticker/24hr', 40],
    ['/fapi/v1/premiumIndex?symbol=BTCUSDT', 1],
    ['/fapi/v1/premiumIndex', 10],
    ['/fapi/v1/openInterest?symbol=BTCUSDT', 1],
    ['/fapi/v1/fundingRate?symbol=BTCUSDT', 0],
    ['/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=99', 1],
    ['/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=100', 2],
    ['/fapi/v1/klines?symbol=BTCUSDT&interval=1m', 5],
    ['/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1000', 5],
    ['/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1001', 10],
    ['/eapi/v1/ping', 1],
    ['/eapi/v1/exchangeInfo', 1],
    ['/eapi/v1/ticker', 5],
    ['/eapi/v1/mark', 5],
    ['/eapi/v1/index?underlying=BTCUSDT', 1],
    ['/eapi/v1/openInterest?underlyingAsset=BTC&expiration=261127', 0],
  ])('%s weighs %d', async (path, w) => {
    expect(await weight(path)).toBe(w);
  });
});

describe('weight counters', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim({ limits: { spot: 20, futures: 10, options: 10, banAfter: 1, banMs: 30_000 } });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.resetLimits();
    sim.clock.now = T0;
  });

  it('count per product and per clock-aligned minute, on every response', async () => {
    expect(used(await sim.get('/api/v3/ticker/24hr?symbol=BTCUSDT'))).toBe(2);
    expect(used(await sim.get('/api/v3/ticker/24hr?symbol=ETHUSDT'))).toBe(4);
    const spotRes = await sim.get('/api/v3/ticker/24hr?symbol=ETHUSDT');
    expect(spotRes.headers.get('x-mbx-used-weight')).toBe('6'); // legacy spot header
    expect(used(await sim.get('/fapi/v1/ticker/24hr?symbol=BTCUSDT'))).toBe(1); // futures counts apart
    expect(used(await sim.get('/eapi/v1/index?underlying=BTCUSDT'))).toBe(1);
    expect(used(await sim.get('/api/v3/ticker/24hr?symbol=NOPE'))).toBe(8); // errors are charged
    sim.clock.now = Math.ceil(T0 / 60_000) * 60_000; // the next minute starts from zero
    expect(used(await sim.get('/api/v3/ticker/24hr?symbol=BTCUSDT'))).toBe(2);
  });

  it('over the limit: 429, Retry-After to the end of the minute, -1003 body; then served again', async () => {
    for (let i = 0; i < 10; i++) expect((await sim.get('/api/v3/ticker/24hr?symbol=BTCUSDT')).status).toBe(200);
    const res = await sim.get('/api/v3/ticker/24hr?symbol=BTCUSDT');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(Math.ceil((Math.ceil(T0 / 60_000) * 60_000 - T0) / 1000)));
    expect(used(res)).toBe(22);
    expect(await res.json()).toEqual({
      code: -1003,
      msg: 'Too much request weight used; current limit is 20 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
    });
    sim.clock.now += Number(res.headers.get('retry-after')) * 1000; // a client that waits is fine
    expect((await sim.get('/api/v3/ticker/24hr?symbol=BTCUSDT')).status).toBe(200);
  });

  it('a client that keeps calling after a 429 is banned: 418, Retry-After = ban, the documented body', async () => {
    for (let i = 0; i < 10; i++) await sim.get('/fapi/v1/ticker/24hr?symbol=BTCUSDT');
    const limited = await sim.get('/fapi/v1/ticker/24hr?symbol=BTCUSDT');
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { code: number }).code).toBe(-1003);
    const banned = await sim.get('/fapi/v1/ticker/24hr?symbol=BTCUSDT');
    expect(banned.status).toBe(418);
    expect(banned.headers.get('retry-after')).toBe('30');
    const body = (await banned.json()) as { code: number; msg: string };
    const recorded = fixture('errors/ip_banned_418_-1003.json') as { code: number; msg: string };
    expect(body.code).toBe(recorded.code);
    const until = T0 + 30_000;
    expect(body.msg).toBe(
      `Way too many requests; IP banned until ${until}. Please use the websocket for live updates to avoid bans.`,
    );
    // everything on that product is refused until the ban ends, even in a new minute; spot is not affected
    sim.clock.now = T0 + 20_000;
    const still = await sim.get('/fapi/v1/ping');
    expect(still.status).toBe(418);
    expect(still.headers.get('retry-after')).toBe('10');
    expect((await sim.get('/api/v3/ping')).status).toBe(200);
    sim.clock.now = until; // the ban is over, but this minute's weight is still spent
    expect((await sim.get('/fapi/v1/ping')).status).toBe(429);
    sim.clock.now = Math.ceil(until / 60_000) * 60_000;
    expect((await sim.get('/fapi/v1/ping')).status).toBe(200);
  });

  it('spot ban message follows the recorded -1003 body; bans escalate', async () => {
    const ban = async (): Promise<Response> => {
      for (let i = 0; i < 11; i++) await sim.get('/api/v3/ticker/24hr?symbol=BTCUSDT');
      return sim.get('/api/v3/ping');
    };
    const first = await ban();
    expect(first.status).toBe(418);
    const recorded = (fixture('errors/ip_banned_418_-1003.json') as { msg: string }).msg;
    expect(((await first.json()) as { msg: string }).msg).toBe(
      recorded.replace(/\d{13}/, String(sim.clock.now + 30_000)),
    );
    sim.clock.now = Math.ceil((sim.clock.now + 30_000) / 60_000) * 60_000;
    const second = await ban();
    expect(second.status).toBe(418);
    expect(second.headers.get('retry-after')).toBe('60'); // doubled
  });

  it('options answer 429/418 with -1008, as the options docs list', async () => {
    for (let i = 0; i < 2; i++) await sim.get('/eapi/v1/mark');
    const res = await sim.get('/eapi/v1/mark');
    expect(res.status).toBe(429);
    expect(((await res.json()) as { code: number }).code).toBe(-1008);
  });

  it('resetLimits forgets counters and bans', async () => {
    for (let i = 0; i < 12; i++) await sim.get('/api/v3/ticker/24hr?symbol=BTCUSDT');
    expect((await sim.get('/api/v3/ping')).status).toBe(418);
    sim.resetLimits();
    expect(used(await sim.get('/api/v3/ping'))).toBe(1);
  });

  it('weight another client on the IP spent counts in the header and is what puts the next request over', async () => {
    expect(sim.addWeight('futures', 9)).toBe(9); // the limit is 10
    expect(used(await sim.get('/fapi/v1/ping'))).toBe(10);
    expect((await sim.get('/fapi/v1/ping')).status).toBe(429);
    expect(used(await sim.get('/api/v3/ping'))).toBe(1); // per product
    sim.clock.now = Math.ceil(T0 / 60_000) * 60_000; // it is spent in its own minute only
    expect(used(await sim.get('/fapi/v1/ping'))).toBe(1);
  });

  it('POST /__sim/limits/weight spends weight for the caller IP (or `ip`)', async () => {
    const res = await sim.get('/__sim/limits/weight', {
      method: 'POST',
      body: JSON.stringify({ product: 'futures', weight: 10 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ product: 'futures', ip: '127.0.0.1', used: 10 });
    const limited = await sim.get('/fapi/v1/ping');
    expect(limited.status).toBe(429); // not banned: the weight earned no strikes
    expect(used(limited)).toBe(11);
    const other = await sim.get('/__sim/limits/weight', {
      method: 'POST',
      body: JSON.stringify({ product: 'spot', weight: 5, ip: '10.0.0.9' }),
    });
    expect(await other.json()).toEqual({ product: 'spot', ip: '10.0.0.9', used: 5 });
    expect(used(await sim.get('/api/v3/ping'))).toBe(1); // another IP's counter
    const bad = await sim.get('/__sim/limits/weight', { method: 'POST', body: JSON.stringify({ product: 'x' }) });
    expect(bad.status).toBe(400);
  });

  it('USD-M fundingRate has its own 500 requests / 5 minutes cap (configurable)', async () => {
    const s = await startTestSim({ limits: { fundingRate: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await s.get('/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1')).status).toBe(200);
      const res = await s.get('/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1');
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await s.get('/fapi/v1/premiumIndex?symbol=BTCUSDT')).status).toBe(200); // weight-based endpoints unaffected
      s.clock.now = Math.ceil(T0 / 300_000) * 300_000;
      expect((await s.get('/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1')).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

// Same seed and clock → the same bytes, whatever was asked before; the market moves with time.

import { startTestSim, T0, type TestSim } from './helpers';

const PATHS = [
  '/api/v3/ticker/24hr',
  '/api/v3/ticker/24hr?symbol=ETHUSDT&type=MINI',
  '/api/v3/ticker/bookTicker',
  '/api/v3/ticker/price',
  '/api/v3/klines?symbol=SOLUSDT&interval=15m&limit=200',
  '/api/v3/exchangeInfo',
  '/fapi/v1/ticker/24hr',
  '/fapi/v1/premiumIndex',
  '/fapi/v1/openInterest?symbol=ETHUSDT',
  '/fapi/v1/fundingRate?symbol=BTCUSDT',
  '/fapi/v1/klines?symbol=BTCUSDT&interval=1h&limit=50',
  '/fapi/v1/exchangeInfo',
  '/eapi/v1/exchangeInfo',
  '/eapi/v1/ticker',
  '/eapi/v1/mark',
  '/eapi/v1/index?underlying=DOGEUSDT',
];

async function bodies(sim: TestSim, paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of paths) out.set(p, await (await sim.get(p)).text());
  return out;
}

describe('determinism', () => {
  let a: TestSim;
  let b: TestSim;
  beforeAll(async () => {
    a = await startTestSim({ seed: 42 });
    b = await startTestSim({ seed: 42 });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('two simulators with the same seed and clock answer byte for byte the same, in any request order', async () => {
    // b first computes a different history (old daily klines), then everything in reverse order
    await b.get('/api/v3/klines?symbol=BTCUSDT&interval=1d&limit=40');
    await b.get('/fapi/v1/klines?symbol=ETHUSDT&interval=1m&limit=1500');
    const x = await bodies(a, PATHS);
    const y = await bodies(b, [...PATHS].reverse());
    for (const p of PATHS) expect([p, y.get(p)]).toEqual([p, x.get(p)]);
  });

  it('is reproducible after time moved on and came back', async () => {
    const before = await (await a.get('/api/v3/ticker/24hr?symbol=BTCUSDT')).text();
    a.clock.now = T0 + 3 * 86_400_000;
    await a.get('/api/v3/ticker/24hr');
    a.clock.now = T0;
    expect(await (await a.get('/api/v3/ticker/24hr?symbol=BTCUSDT')).text()).toBe(before);
  });

  it('another seed gives another market', async () => {
    const c = await startTestSim({ seed: 43 });
    try {
      const x = (await a.json<{ lastPrice: string }>('/api/v3/ticker/24hr?symbol=BTCUSDT')).lastPrice;
      const y = (await c.json<{ lastPrice: string }>('/api/v3/ticker/24hr?symbol=BTCUSDT')).lastPrice;
      expect(x).not.toBe(y);
      expect(Number(y) / Number(x)).toBeGreaterThan(0.5); // same price level, different path
      expect(Number(y) / Number(x)).toBeLessThan(2);
    } finally {
      await c.close();
    }
  });

  it('the market moves with the clock: a second later the last price and volume differ; within the second nothing does', async () => {
    const at = async (t: number): Promise<string> => {
      a.clock.now = t;
      return (await a.get('/api/v3/ticker/24hr?symbol=BTCUSDT')).text();
    };
    const base = Math.floor(T0 / 1000) * 1000;
    const first = await at(base + 10);
    expect(await at(base + 990)).toBe(first);
    const later = JSON.parse(await at(base + 7_000)) as { volume: string; closeTime: number };
    expect(later.closeTime).toBe(base + 7_000);
    expect(later.volume).not.toBe((JSON.parse(first) as { volume: string }).volume);
    a.clock.now = T0;
  });

  it('prices wander over weeks but stay near their level (mean reversion)', async () => {
    const prices: number[] = [];
    for (let d = 0; d < 60; d += 3) {
      a.clock.now = T0 + d * 86_400_000;
      prices.push(Number((await a.json<{ price: string }>('/api/v3/ticker/price?symbol=ETHUSDT')).price));
    }
    a.clock.now = T0;
    expect(new Set(prices).size).toBe(prices.length);
    expect(Math.max(...prices) / Math.min(...prices)).toBeLessThan(3);
    expect(Math.min(...prices)).toBeGreaterThan(3_500 / 3);
  });
});

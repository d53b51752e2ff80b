// The full universe: Binance-sized symbol lists, and the biggest endpoints served fast enough for
// load tests (times are logged; only a generous sanity bound is asserted).

import { startTestSim, type TestSim } from './helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({ universe: 'full', warm: true });
}, 120_000);
afterAll(() => sim.close());

async function timed(path: string): Promise<{ ms: number; bytes: number; body: unknown }> {
  const started = performance.now();
  const res = await sim.get(path);
  const text = await res.text();
  const ms = performance.now() - started;
  expect(res.status).toBe(200);
  return { ms, bytes: text.length, body: JSON.parse(text) as unknown };
}

describe('full universe', () => {
  it('has ~2,000 spot symbols, ~500 perpetuals plus delivery contracts, ~1,500 option contracts', async () => {
    const spot = (
      await sim.json<{ symbols: { symbol: string; status: string; quoteAsset: string }[] }>('/api/v3/exchangeInfo')
    ).symbols;
    expect(spot).toHaveLength(2000);
    expect(new Set(spot.map((s) => s.symbol)).size).toBe(2000);
    expect(spot.filter((s) => s.status === 'BREAK').length).toBeGreaterThan(0); // halted symbols stay listed
    expect(new Set(spot.map((s) => s.quoteAsset))).toEqual(
      new Set(['USDT', 'FDUSD', 'USDC', 'BTC', 'TRY', 'ETH', 'BNB', 'EUR']),
    );
    for (const s of spot) expect(s.symbol).toMatch(/^[A-Z0-9-_.]{1,20}$/);
    const futures = (await sim.json<{ symbols: { contractType: string }[] }>('/fapi/v1/exchangeInfo')).symbols;
    expect(futures.filter((s) => s.contractType === 'PERPETUAL')).toHaveLength(500);
    expect(futures).toHaveLength(504);
    const options = (await sim.json<{ optionSymbols: unknown[] }>('/eapi/v1/exchangeInfo')).optionSymbols;
    expect(options.length).toBeGreaterThan(1200);
    expect(options.length).toBeLessThan(1800);
  });

  it('serves the biggest endpoints quickly (logged)', async () => {
    const lines: string[] = [];
    const paths = [
      '/api/v3/ticker/24hr',
      '/api/v3/ticker/price',
      '/api/v3/ticker/bookTicker',
      '/api/v3/exchangeInfo',
      '/fapi/v1/ticker/24hr',
      '/fapi/v1/premiumIndex',
      '/eapi/v1/ticker',
      '/eapi/v1/mark',
      '/eapi/v1/exchangeInfo',
    ];
    for (const p of paths) {
      sim.clock.now += 1000; // a new model second: the response is rebuilt
      const rebuilt = await timed(p);
      const cached = await timed(p);
      lines.push(
        `${p.padEnd(28)} ${String(rebuilt.bytes).padStart(8)} B  rebuilt ${rebuilt.ms.toFixed(1).padStart(6)} ms  cached ${cached.ms.toFixed(1).padStart(5)} ms`,
      );
      expect(rebuilt.ms).toBeLessThan(5_000);
    }
    sim.clock.now += 60_000; // a new minute: the 24 h windows move
    const minute = await timed('/api/v3/ticker/24hr');
    lines.push(`/api/v3/ticker/24hr after a minute roll: ${minute.ms.toFixed(1)} ms`);
    expect((minute.body as unknown[]).length).toBe(2000);
    console.log('full universe (jest, ts-jest):\n' + lines.join('\n'));
  }, 60_000);
});

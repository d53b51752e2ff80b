// Replay serves the recorded fixtures byte for byte, with weights and faults still applied.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, startTestSim, type TestSim } from './helpers';

const REQUESTS: Record<string, string> = {
  'spot/exchangeInfo.json': '/api/v3/exchangeInfo',
  'spot/ticker_24hr_BTCUSDT.json': '/api/v3/ticker/24hr?symbol=BTCUSDT',
  'spot/ticker_24hr_symbols.json': '/api/v3/ticker/24hr?symbols=' + encodeURIComponent('["ETHBTC","BTCUSDT"]'),
  'spot/klines_BTCUSDT_1m.json': '/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=10',
  'spot/bookTicker.json': '/api/v3/ticker/bookTicker?symbol=BTCUSDT',
  'futures/exchangeInfo.json': '/fapi/v1/exchangeInfo',
  'futures/ticker_24hr.json': '/fapi/v1/ticker/24hr',
  'futures/premiumIndex.json': '/fapi/v1/premiumIndex',
  'futures/openInterest.json': '/fapi/v1/openInterest?symbol=BTCUSDT',
  'futures/fundingRate.json': '/fapi/v1/fundingRate?symbol=BTCUSDT',
  'options/exchangeInfo.json': '/eapi/v1/exchangeInfo',
  'options/ticker.json': '/eapi/v1/ticker',
  'options/mark.json': '/eapi/v1/mark?symbol=ETH-231229-800-C',
  'options/index.json': '/eapi/v1/index?underlying=BTCUSDT',
  'options/openInterest.json': '/eapi/v1/openInterest?underlyingAsset=ETH&expiration=221119',
};

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({ replayDir: FIXTURES });
});
afterAll(() => sim.close());

describe('replay of fixtures/binance', () => {
  it('covers every recorded endpoint file', () => {
    const files = ['spot', 'futures', 'options'].flatMap((p) => readdirSync(join(FIXTURES, p)).map((f) => `${p}/${f}`));
    expect(files.sort()).toEqual(Object.keys(REQUESTS).sort());
  });

  it.each(Object.entries(REQUESTS))('%s answers %s byte for byte', async (file, path) => {
    const res = await sim.get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(Number(res.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThanOrEqual(0);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(FIXTURES, file)))).toBe(true);
  });

  it('unrecorded requests are a 404 that says so; faults still apply', async () => {
    const res = await sim.get('/api/v3/ticker/price');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('no recorded response');
    sim.addFault({ kind: 'malformed', count: 1 });
    expect(await (await sim.get('/api/v3/ticker/bookTicker?symbol=BTCUSDT')).text()).toContain(',,');
  });
});

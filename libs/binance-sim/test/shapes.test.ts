// Every endpoint's records have the recorded responses' keys with the recorded JSON types:
// numbers as strings, times and ids as integers.

import { DECIMAL, first, fixture, shape, startTestSim, type TestSim } from './helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

/** Same keys, same JSON types, decimal strings where the fixture has decimal strings, integers
 * where it has integers. Collects every difference into one assertion (tables have hundreds of rows). */
function expectSameShape(got: Record<string, unknown>, want: Record<string, unknown>, exactKeys = true): void {
  const g = shape(got);
  const w = shape(want);
  const problems: string[] = [];
  if (exactKeys) {
    for (const k of Object.keys(g)) if (!(k in w)) problems.push(`extra key ${k}`);
  }
  for (const k of Object.keys(w)) {
    const wv = want[k];
    const gv = got[k];
    if (g[k] !== w[k]) problems.push(`${k}: ${String(g[k])} instead of ${String(w[k])}`);
    else if (typeof wv === 'string' && DECIMAL.test(wv) && !DECIMAL.test(String(gv)))
      problems.push(`${k}: ${JSON.stringify(gv)} is not a decimal string`);
    else if (typeof wv === 'number' && Number.isInteger(wv) && !Number.isInteger(gv))
      problems.push(`${k}: ${String(gv)} is not an integer`);
  }
  expect(problems).toEqual([]);
}

describe('spot /api/v3', () => {
  it('ping and time', async () => {
    expect(await sim.json('/api/v3/ping')).toEqual({});
    expect(await sim.json('/api/v3/time')).toEqual({ serverTime: sim.clock.now });
  });

  it('ticker/24hr with symbol is one object shaped like the live recording, keys in documented order', async () => {
    const got = await sim.json<Record<string, unknown>>('/api/v3/ticker/24hr?symbol=BTCUSDT');
    const want = fixture('spot/ticker_24hr_BTCUSDT.json') as Record<string, unknown>;
    expectSameShape(got, want);
    expect(Object.keys(got)).toEqual(Object.keys(want));
  });

  it('ticker/24hr with symbols and without parameters are arrays of the same objects', async () => {
    const want = first(fixture('spot/ticker_24hr_symbols.json'));
    const some = await sim.json<unknown[]>(
      '/api/v3/ticker/24hr?symbols=' + encodeURIComponent('["ETHUSDT","BTCUSDT"]'),
    );
    expect(some).toHaveLength(2);
    expect(first(some).symbol).toBe('ETHUSDT');
    expectSameShape(first(some), want);
    const all = await sim.json<unknown[]>('/api/v3/ticker/24hr');
    expect(all.map((x) => first(x).symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT']);
  });

  it('ticker/24hr type=MINI has the 12 documented keys', async () => {
    const got = await sim.json<Record<string, unknown>>('/api/v3/ticker/24hr?symbol=ETHUSDT&type=MINI');
    expect(Object.keys(got)).toEqual([
      'symbol',
      'openPrice',
      'highPrice',
      'lowPrice',
      'lastPrice',
      'volume',
      'quoteVolume',
      'openTime',
      'closeTime',
      'firstId',
      'lastId',
      'count',
    ]);
  });

  it('bookTicker and price', async () => {
    expectSameShape(
      await sim.json('/api/v3/ticker/bookTicker?symbol=BTCUSDT'),
      fixture('spot/bookTicker.json') as Record<string, unknown>,
    );
    const all = await sim.json<unknown[]>('/api/v3/ticker/bookTicker');
    expectSameShape(first(all), fixture('spot/bookTicker.json') as Record<string, unknown>);
    const price = await sim.json<Record<string, unknown>>('/api/v3/ticker/price?symbol=SOLUSDT');
    expect(Object.keys(price)).toEqual(['symbol', 'price']);
    expect(price.price).toMatch(/^\d+\.\d{8}$/);
    expect(await sim.json<unknown[]>('/api/v3/ticker/price')).toHaveLength(6);
  });

  it('klines are 12-element arrays typed like the live recording', async () => {
    const want = fixture('spot/klines_BTCUSDT_1m.json') as unknown[][];
    const got = await sim.json<unknown[][]>('/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=10');
    expect(got).toHaveLength(10);
    for (const row of got) {
      expect(row).toHaveLength(12);
      expect(row.map((v) => typeof v)).toEqual((want[0] as unknown[]).map((v) => typeof v));
      expect(row[11]).toBe('0');
    }
  });

  it('exchangeInfo: top-level keys, rateLimits, and every recorded symbol key (plus the newer documented ones)', async () => {
    const want = fixture('spot/exchangeInfo.json') as Record<string, unknown>;
    const got = await sim.json<Record<string, unknown>>('/api/v3/exchangeInfo');
    expectSameShape(got, want);
    expect(got.rateLimits).toContainEqual({
      rateLimitType: 'REQUEST_WEIGHT',
      interval: 'MINUTE',
      intervalNum: 1,
      limit: 6000,
    });
    const symbols = got.symbols as Record<string, unknown>[];
    expect(symbols).toHaveLength(6);
    const wantSymbol = (want.symbols as Record<string, unknown>[])[3] as Record<string, unknown>;
    expectSameShape(symbols[0] as Record<string, unknown>, wantSymbol, false);
    expect(shape(symbols[0]).permissionSets).toBe('array');
    const filters = (symbols[0] as { filters: { filterType: string }[] }).filters.map((f) => f.filterType);
    expect(filters).toEqual(expect.arrayContaining(['PRICE_FILTER', 'LOT_SIZE', 'MARKET_LOT_SIZE', 'NOTIONAL']));
  });

  it('exchangeInfo?symbol= narrows the list', async () => {
    const got = await sim.json<{ symbols: { symbol: string }[] }>('/api/v3/exchangeInfo?symbol=XRPUSDT');
    expect(got.symbols.map((s) => s.symbol)).toEqual(['XRPUSDT']);
  });
});

describe('USD-M futures /fapi/v1', () => {
  it('ping and time', async () => {
    expect(await sim.json('/fapi/v1/ping')).toEqual({});
    expect(await sim.json('/fapi/v1/time')).toEqual({ serverTime: sim.clock.now });
  });

  it('ticker/24hr: the 16 futures keys, object with symbol, array without', async () => {
    const want = first(fixture('futures/ticker_24hr.json'));
    const one = await sim.json<Record<string, unknown>>('/fapi/v1/ticker/24hr?symbol=BTCUSDT');
    expectSameShape(one, want);
    expect(Object.keys(one)).toEqual(Object.keys(want));
    const all = await sim.json<unknown[]>('/fapi/v1/ticker/24hr');
    expect(all.length).toBe(10);
    expectSameShape(first(all), want);
  });

  it('premiumIndex for perpetuals and delivery contracts', async () => {
    const want = fixture('futures/premiumIndex.json') as Record<string, unknown>[];
    const all = await sim.json<Record<string, unknown>[]>('/fapi/v1/premiumIndex');
    for (const row of all) expectSameShape(row, want[0] as Record<string, unknown>);
    const delivery = all.find((r) => String(r.symbol).includes('_'));
    expect(delivery).toMatchObject({ lastFundingRate: '0.00000000', interestRate: '0.00000000', nextFundingTime: 0 });
    const one = await sim.json<Record<string, unknown>>('/fapi/v1/premiumIndex?symbol=ETHUSDT');
    expect(Object.keys(one)).toEqual(Object.keys(want[0] as object));
  });

  it('openInterest', async () => {
    expectSameShape(
      await sim.json('/fapi/v1/openInterest?symbol=BTCUSDT'),
      fixture('futures/openInterest.json') as Record<string, unknown>,
    );
  });

  it('fundingRate', async () => {
    const rows = await sim.json<unknown[]>('/fapi/v1/fundingRate?symbol=BTCUSDT&limit=5');
    expect(rows).toHaveLength(5);
    expectSameShape(first(rows), first(fixture('futures/fundingRate.json')));
  });

  it('klines', async () => {
    const rows = await sim.json<unknown[][]>('/fapi/v1/klines?symbol=ETHUSDT&interval=5m&limit=3');
    expect(rows).toHaveLength(3);
    expect(rows[0]?.map((v) => typeof v)).toEqual([
      'number',
      'string',
      'string',
      'string',
      'string',
      'string',
      'number',
      'string',
      'number',
      'string',
      'string',
      'string',
    ]);
  });

  it('exchangeInfo: perpetuals and quarterly delivery contracts, every recorded key', async () => {
    const want = fixture('futures/exchangeInfo.json') as Record<string, unknown>;
    const got = await sim.json<Record<string, unknown>>('/fapi/v1/exchangeInfo');
    expectSameShape(got, want);
    const symbols = got.symbols as Record<string, unknown>[];
    const wantSymbol = (want.symbols as Record<string, unknown>[])[0] as Record<string, unknown>;
    for (const s of symbols) expectSameShape(s, wantSymbol);
    const delivery = symbols.filter((s) => s.contractType !== 'PERPETUAL');
    expect(delivery.map((s) => s.contractType)).toEqual([
      'CURRENT_QUARTER',
      'NEXT_QUARTER',
      'CURRENT_QUARTER',
      'NEXT_QUARTER',
    ]);
    for (const s of delivery) {
      const date = new Date(s.deliveryDate as number);
      expect(s.symbol).toBe(
        `${String(s.pair)}_${String(date.getUTCFullYear() % 100)}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCDate()).padStart(2, '0')}`,
      );
      expect(date.getUTCDay()).toBe(5); // last Friday of the quarter's month, 08:00 UTC
      expect(date.getUTCHours()).toBe(8);
    }
    expect(symbols.find((s) => s.symbol === 'BTCUSDT')?.deliveryDate).toBe(4133404800000);
    expect(got.rateLimits).toContainEqual({
      rateLimitType: 'REQUEST_WEIGHT',
      interval: 'MINUTE',
      intervalNum: 1,
      limit: 2400,
    });
  });
});

describe('options /eapi/v1', () => {
  it('ping and time', async () => {
    expect(await sim.json('/eapi/v1/ping')).toEqual({});
    expect(await sim.json('/eapi/v1/time')).toEqual({ serverTime: sim.clock.now });
  });

  it('exchangeInfo: contracts of the six underlyings, symbols with every recorded key', async () => {
    const want = fixture('options/exchangeInfo.json') as Record<string, unknown>;
    const got = await sim.json<Record<string, unknown>>('/eapi/v1/exchangeInfo');
    expectSameShape(got, want);
    expect((got.optionContracts as { underlying: string }[]).map((c) => c.underlying)).toEqual([
      'BTCUSDT',
      'ETHUSDT',
      'BNBUSDT',
      'SOLUSDT',
      'XRPUSDT',
      'DOGEUSDT',
    ]);
    const wantSymbol = (want.optionSymbols as Record<string, unknown>[])[0] as Record<string, unknown>;
    const symbols = got.optionSymbols as Record<string, unknown>[];
    expect(symbols.length).toBeGreaterThan(100);
    for (const s of symbols) {
      expectSameShape(s, wantSymbol);
      const [base, date, strike, cp] = String(s.symbol).split('-');
      expect(s.underlying).toBe(`${String(base)}USDT`);
      expect(s.strikePrice).toBe(strike);
      expect(s.side).toBe(cp === 'C' ? 'CALL' : 'PUT');
      const expiry = new Date(s.expiryDate as number);
      expect(date).toBe(expiry.toISOString().slice(2, 10).replaceAll('-', ''));
      expect(expiry.getUTCHours()).toBe(8);
      expect(s.expiryDate as number).toBeGreaterThan(sim.clock.now);
    }
    // fractional strikes on the low-priced underlyings, as on Binance (XRP-241206-1.48-C)
    expect(symbols.some((s) => String(s.symbol).startsWith('DOGE-') && String(s.strikePrice).includes('.'))).toBe(true);
  });

  it('ticker: always an array, the recorded keys (open/high/low, bid/ask without sizes)', async () => {
    const want = first(fixture('options/ticker.json'));
    const all = await sim.json<Record<string, unknown>[]>('/eapi/v1/ticker');
    for (const row of all) expectSameShape(row, want);
    const symbol = String(all[0]?.symbol);
    const one = await sim.json<unknown[]>('/eapi/v1/ticker?symbol=' + symbol);
    expect(one).toHaveLength(1);
    expect(Object.keys(first(one))).toEqual(Object.keys(want));
  });

  it('mark: always an array of all-string records', async () => {
    const want = first(fixture('options/mark.json'));
    const all = await sim.json<Record<string, unknown>[]>('/eapi/v1/mark');
    for (const row of all) expectSameShape(row, want);
    const one = await sim.json<unknown[]>('/eapi/v1/mark?symbol=' + String(all[0]?.symbol));
    expect(one).toHaveLength(1);
    expect(Object.keys(first(one))).toEqual(Object.keys(want));
  });

  it('index', async () => {
    const got = await sim.json<Record<string, unknown>>('/eapi/v1/index?underlying=BTCUSDT');
    expectSameShape(got, fixture('options/index.json') as Record<string, unknown>);
    expect(got.time).toBe(Math.floor(sim.clock.now / 1000) * 1000);
  });

  it('openInterest: one row per contract of that expiry, timestamp as a string', async () => {
    const info = await sim.json<{ optionSymbols: { symbol: string }[] }>('/eapi/v1/exchangeInfo');
    const expiry = String(info.optionSymbols[0]?.symbol.split('-')[1]);
    const rows = await sim.json<Record<string, unknown>[]>(
      `/eapi/v1/openInterest?underlyingAsset=BTC&expiration=${expiry}`,
    );
    const want = first(fixture('options/openInterest.json'));
    expect(rows.length).toBe(info.optionSymbols.filter((s) => s.symbol.startsWith(`BTC-${expiry}-`)).length);
    for (const row of rows) expectSameShape(row, want);
    expect(rows[0]?.timestamp).toMatch(/^\d{13}$/);
  });
});

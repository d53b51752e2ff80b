import { mapFuturesTicker24hr } from '../../src/map';
import { element, fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

/** 2024-03-31T21:01:23Z: just after the newest closeTime of futures/ticker_24hr.json */
const ctx = { captureTime: 1_711_918_883_000, source: 'binance.futures.rest' };
const FILE = 'futures/ticker_24hr.json';

describe('mapFuturesTicker24hr on the recorded all-symbols response (LIVE 2024-03-31, trimmed to 6)', () => {
  const mapped = mapFuturesTicker24hr(fixture(FILE), ctx);

  it('checks every element and keeps the numbers Binance sent, percent as percent', () => {
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records).toEqual([
      {
        symbol: 'TONUSDT',
        lastPrice: 5.391,
        priceChangePercent: 1.619,
        highPrice: 5.4263,
        lowPrice: 5.0906,
        volume: 8481011.1,
        quoteVolume: 44373516.67868,
        closeTime: 1711918880623,
      },
      {
        symbol: 'SOLUSDC',
        lastPrice: 199.781,
        priceChangePercent: 2.4,
        highPrice: 201.314,
        lowPrice: 193.672,
        volume: 364037.27,
        quoteVolume: 71660772.4392,
        closeTime: 1711918880906,
      },
      {
        symbol: 'BTCUSDT_240628',
        lastPrice: 76298,
        priceChangePercent: 2.569,
        highPrice: 76601.7,
        lowPrice: 74127.3,
        volume: 416.498,
        quoteVolume: 31397295.5,
        closeTime: 1711918875866,
      },
      {
        symbol: '1000SHIBUSDT',
        lastPrice: 0.030684,
        priceChangePercent: 2.117,
        highPrice: 0.030859,
        lowPrice: 0.029509,
        volume: 10397684399,
        quoteVolume: 315465394.164598,
        closeTime: 1711918881894,
      },
      {
        symbol: 'BTCUSDT',
        lastPrice: 70925.5,
        priceChangePercent: 1.502,
        highPrice: 71383.2,
        lowPrice: 69577.2,
        volume: 122882.711,
        quoteVolume: 8660462770.6,
        closeTime: 1711918882380,
      },
      {
        symbol: 'ETHUSDT',
        lastPrice: 3638.52,
        priceChangePercent: 3.661,
        highPrice: 3661.08,
        lowPrice: 3496.96,
        volume: 1494243.903,
        quoteVolume: 5378643431.31,
        closeTime: 1711918882517,
      },
    ]);
  });
});

describe('mapFuturesTicker24hr on hand-made variants', () => {
  it.each([
    [
      'a missing lastPrice',
      { lastPrice: undefined },
      'lastPrice: expected a decimal string, got undefined (field missing)',
    ],
    [
      'a number instead of a string',
      { volume: 122882.711 },
      'volume: expected a decimal string, got 122882.711 (a JSON number)',
    ],
    ['"abc"', { highPrice: 'abc' }, 'highPrice: expected a decimal string, got "abc"'],
    ['"NaN"', { priceChangePercent: 'NaN' }, 'priceChangePercent: expected a decimal string, got "NaN"'],
    ['a negative price', { lowPrice: '-69577.20' }, 'lowPrice must be > 0, got "-69577.20"'],
    ['a zero last price', { lastPrice: '0.00' }, 'lastPrice must be > 0, got "0.00"'],
    [
      'a missing closeTime',
      { closeTime: undefined },
      'closeTime: expected an integer ms time, got undefined (field missing)',
    ],
  ])('rejects an element with %s and keeps the others', (_what, change, reason) => {
    const body = [element(FILE, 0), { ...element(FILE, 4), ...change }, element(FILE, 5)];
    const mapped = mapFuturesTicker24hr(body, ctx);
    expect(mapped.records.map((r) => r.symbol)).toEqual(['TONUSDT', 'ETHUSDT']);
    expect(mapped.rejected).toEqual([{ endpoint: '/fapi/v1/ticker/24hr', symbol: 'BTCUSDT', reason }]);
  });

  it('accepts the ?symbol= object form as one element', () => {
    expect(mapFuturesTicker24hr(element(FILE, 4), ctx).records.map((r) => r.symbol)).toEqual(['BTCUSDT']);
  });

  it('throws a PayloadError for an HTML page, a number and the recorded error body', () => {
    expect(payloadErrorOf(() => mapFuturesTicker24hr('<html>', ctx)).reason).toBe(
      'expected a JSON array or object, got "<html>"',
    );
    expect(payloadErrorOf(() => mapFuturesTicker24hr(7, ctx)).reason).toBe(
      'expected a JSON array or object, got 7 (a JSON number)',
    );
    expect(payloadErrorOf(() => mapFuturesTicker24hr(fixture('errors/invalid_symbol_-1121.json'), ctx)).reason).toBe(
      'Binance error body -1121: Invalid symbol.',
    );
  });
});

import { mapSpotExchangeInfo } from '../../src/map';
import { fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

/** 2023-09-08T15:06:02Z: just after serverTime of the recorded spot exchangeInfo */
const ctx = { captureTime: 1_694_185_562_000, source: 'binance.spot.rest' };
const body = (): Record<string, unknown> => fixture('spot/exchangeInfo.json') as Record<string, unknown>;

describe('mapSpotExchangeInfo on the recorded spot exchangeInfo (LIVE 2023-09-08, trimmed to 5 symbols)', () => {
  const info = mapSpotExchangeInfo(body(), ctx);

  it('keeps the four TRADING symbols with base and quote asset from the metadata', () => {
    expect([...info.instruments.values()]).toEqual([
      { symbol: 'ETHBTC', baseAsset: 'ETH', quoteAsset: 'BTC', status: 'TRADING' },
      { symbol: 'BNBBTC', baseAsset: 'BNB', quoteAsset: 'BTC', status: 'TRADING' },
      { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', status: 'TRADING' },
      { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', status: 'TRADING' },
    ]);
    expect(info.instruments.get('BTCUSDT')?.quoteAsset).toBe('USDT');
  });

  it('leaves the BREAK symbol BCCBTC out of the table and lists it as skipped, not rejected', () => {
    expect(info.instruments.has('BCCBTC')).toBe(false);
    expect(info.skipped).toEqual([{ symbol: 'BCCBTC', status: 'BREAK' }]);
    expect(info.rejected).toEqual([]);
  });

  it('reads serverTime and the rate limits the weight budget needs', () => {
    expect(info.serverTime).toBe(1694185561976);
    expect(info.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ]);
  });
});

describe('mapSpotExchangeInfo on hand-made variants', () => {
  it('rejects a symbol entry with a missing baseAsset and keeps the rest', () => {
    const b = body();
    const symbols = b['symbols'] as Record<string, unknown>[];
    delete symbols[0]?.['baseAsset'];
    const info = mapSpotExchangeInfo(b, ctx);
    expect(info.rejected).toEqual([
      {
        endpoint: '/api/v3/exchangeInfo',
        symbol: 'ETHBTC',
        reason: 'baseAsset: expected a non-empty string, got undefined (field missing)',
      },
    ]);
    expect([...info.instruments.keys()]).toEqual(['BNBBTC', 'BTCUSDT', 'ETHUSDT']);
  });

  it('rejects an entry without a status and a repeated symbol', () => {
    const b = body();
    const symbols = b['symbols'] as Record<string, unknown>[];
    symbols[1] = { ...symbols[1], status: undefined };
    symbols.push({ ...symbols[3] });
    const info = mapSpotExchangeInfo(b, ctx);
    expect(info.rejected).toEqual([
      {
        endpoint: '/api/v3/exchangeInfo',
        symbol: 'BNBBTC',
        reason: 'status: expected a non-empty string, got undefined (field missing)',
      },
      { endpoint: '/api/v3/exchangeInfo', symbol: 'BTCUSDT', reason: 'duplicate symbol' },
    ]);
    expect(info.instruments.size).toBe(3);
  });

  it('throws a PayloadError when symbols, serverTime or rateLimits are unusable', () => {
    expect(payloadErrorOf(() => mapSpotExchangeInfo({ ...body(), symbols: {} }, ctx)).reason).toBe(
      'symbols: expected an array, got an object',
    );
    expect(payloadErrorOf(() => mapSpotExchangeInfo({ ...body(), serverTime: '1694185561976' }, ctx)).reason).toBe(
      'serverTime: expected an integer ms time, got "1694185561976"',
    );
    expect(payloadErrorOf(() => mapSpotExchangeInfo({ ...body(), rateLimits: undefined }, ctx)).reason).toBe(
      'expected a JSON array, got undefined (field missing)',
    );
  });

  it('throws a PayloadError for an HTML page, an array and the recorded error body', () => {
    expect(payloadErrorOf(() => mapSpotExchangeInfo('<html></html>', ctx)).reason).toBe(
      'expected a JSON object, got "<html></html>"',
    );
    expect(payloadErrorOf(() => mapSpotExchangeInfo([], ctx)).reason).toBe('expected a JSON object, got an array of 0');
    expect(payloadErrorOf(() => mapSpotExchangeInfo(fixture('errors/ip_banned_418_-1003.json'), ctx)).reason).toMatch(
      /^Binance error body -1003: Way too much request weight used; IP banned until 1659146400000/,
    );
  });
});

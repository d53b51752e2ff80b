import { isPerpetual, mapFuturesExchangeInfo } from '../../src/map';
import { fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

/** 2024-10-20T20:00:07Z: just after serverTime of the recorded USD-M exchangeInfo */
const ctx = { captureTime: 1_729_454_407_000, source: 'binance.futures.rest' };
const body = (): Record<string, unknown> => fixture('futures/exchangeInfo.json') as Record<string, unknown>;

describe('mapFuturesExchangeInfo on the recorded USD-M exchangeInfo (LIVE 2024-10-20, trimmed to 5 symbols)', () => {
  const info = mapFuturesExchangeInfo(body(), ctx);

  it('keeps the three TRADING symbols and turns the perpetual deliveryDate sentinel into null', () => {
    expect([...info.instruments.values()]).toEqual([
      {
        symbol: 'BTCUSDT',
        pair: 'BTCUSDT',
        contractType: 'PERPETUAL',
        deliveryTime: null,
        status: 'TRADING',
        baseAsset: 'BTC',
        quoteAsset: 'USDT',
        marginAsset: 'USDT',
      },
      {
        symbol: 'ETHUSDT',
        pair: 'ETHUSDT',
        contractType: 'PERPETUAL',
        deliveryTime: null,
        status: 'TRADING',
        baseAsset: 'ETH',
        quoteAsset: 'USDT',
        marginAsset: 'USDT',
      },
      {
        symbol: 'BTCUSDT_241227',
        pair: 'BTCUSDT',
        contractType: 'CURRENT_QUARTER',
        deliveryTime: 1735286400000,
        status: 'TRADING',
        baseAsset: 'BTC',
        quoteAsset: 'USDT',
        marginAsset: 'USDT',
      },
    ]);
  });

  it('skips the delisted WAVESUSDT (SETTLING) and BTCSTUSDT (PENDING_TRADING, contractType "") without rejecting them', () => {
    expect(info.skipped).toEqual([
      { symbol: 'WAVESUSDT', status: 'SETTLING' },
      { symbol: 'BTCSTUSDT', status: 'PENDING_TRADING' },
    ]);
    expect(info.rejected).toEqual([]);
  });

  it('reads serverTime and the production rate limits', () => {
    expect(info.serverTime).toBe(1729454406890);
    expect(info.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ]);
  });
});

describe('isPerpetual', () => {
  it('counts every perpetual-style contract type as paying funding and delivery types as not', () => {
    expect(['PERPETUAL', 'TRADIFI_PERPETUAL', 'PERPETUAL_DELIVERING'].map(isPerpetual)).toEqual([true, true, true]);
    expect(['CURRENT_QUARTER', 'NEXT_QUARTER', 'CURRENT_MONTH', 'NEXT_MONTH'].map(isPerpetual)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('mapFuturesExchangeInfo on hand-made variants', () => {
  it('rejects a TRADING entry with an empty contractType or a deliveryDate string, and keeps the rest', () => {
    const b = body();
    const symbols = b['symbols'] as Record<string, unknown>[];
    symbols[0] = { ...symbols[0], contractType: '' };
    symbols[4] = { ...symbols[4], deliveryDate: '1735286400000' };
    const info = mapFuturesExchangeInfo(b, ctx);
    expect(info.rejected).toEqual([
      {
        endpoint: '/fapi/v1/exchangeInfo',
        symbol: 'BTCUSDT',
        reason: 'contractType: expected a non-empty string, got ""',
      },
      {
        endpoint: '/fapi/v1/exchangeInfo',
        symbol: 'BTCUSDT_241227',
        reason: 'deliveryDate: expected an integer ms time, got "1735286400000"',
      },
    ]);
    expect([...info.instruments.keys()]).toEqual(['ETHUSDT']);
  });

  it('rejects a repeated symbol', () => {
    const b = body();
    const symbols = b['symbols'] as Record<string, unknown>[];
    symbols.push({ ...symbols[1] });
    expect(mapFuturesExchangeInfo(b, ctx).rejected).toEqual([
      { endpoint: '/fapi/v1/exchangeInfo', symbol: 'ETHUSDT', reason: 'duplicate symbol' },
    ]);
  });

  it('throws a PayloadError for a body without symbols, an HTML page or the recorded error body', () => {
    expect(payloadErrorOf(() => mapFuturesExchangeInfo({ ...body(), symbols: undefined }, ctx)).reason).toBe(
      'symbols: expected an array, got undefined (field missing)',
    );
    expect(payloadErrorOf(() => mapFuturesExchangeInfo('<html>', ctx)).reason).toBe(
      'expected a JSON object, got "<html>"',
    );
    expect(payloadErrorOf(() => mapFuturesExchangeInfo(fixture('errors/invalid_symbol_-1121.json'), ctx)).message).toBe(
      '/fapi/v1/exchangeInfo: -: Binance error body -1121: Invalid symbol.',
    );
  });
});

import { requestWeight } from '../../src/rest';

describe('requestWeight (BINANCE_API.md §1.2, §2.2, §3.2)', () => {
  it.each([
    [{ symbol: 'BTCUSDT' }, 2],
    [{ symbols: Array.from({ length: 20 }, (_, i) => `S${i}`) }, 2],
    [{ symbols: Array.from({ length: 21 }, (_, i) => `S${i}`) }, 40],
    [{ symbols: Array.from({ length: 100 }, (_, i) => `S${i}`) }, 40],
    [{ symbols: Array.from({ length: 101 }, (_, i) => `S${i}`) }, 80],
    [{}, 80],
  ])('weighs spot ticker/24hr %j as %i', (params, weight) => {
    expect(requestWeight('spot', 'ticker/24hr', params)).toBe(weight);
  });

  it('weighs the other endpoints marketpipe calls', () => {
    expect(requestWeight('spot', 'exchangeInfo')).toBe(20);
    expect(requestWeight('spot', 'klines', { symbol: 'BTCUSDT', interval: '1m' })).toBe(2);
    expect(requestWeight('futures', 'ticker/24hr')).toBe(40);
    expect(requestWeight('futures', 'ticker/24hr', { symbol: 'BTCUSDT' })).toBe(1);
    expect(requestWeight('futures', 'premiumIndex')).toBe(10);
    expect(requestWeight('futures', 'openInterest', { symbol: 'BTCUSDT' })).toBe(1);
    expect(requestWeight('futures', 'exchangeInfo')).toBe(1);
    expect(requestWeight('futures', 'klines', { limit: 1500 })).toBe(10);
    expect(requestWeight('options', 'ticker')).toBe(5);
    expect(requestWeight('options', 'mark')).toBe(5);
    expect(requestWeight('options', 'index', { underlying: 'BTCUSDT' })).toBe(1);
    expect(requestWeight('options', 'openInterest', { underlyingAsset: 'BTC', expiration: '251226' })).toBe(0);
  });
});

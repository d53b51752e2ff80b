import { type FuturesOpenInterest, keepLatestOpenInterest, mapFuturesOpenInterest } from '../../src/map';
import { fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

/** 2024-06-04T15:21:58Z: just after `time` of futures/openInterest.json */
const ctx = { captureTime: 1_717_514_518_000, source: 'binance.futures.rest' };

describe('mapFuturesOpenInterest on the recorded BTCUSDT response (LIVE 2024-06-04)', () => {
  it('reads open interest in contracts and its matching-engine time', () => {
    expect(mapFuturesOpenInterest(fixture('futures/openInterest.json'), ctx)).toEqual({
      symbol: 'BTCUSDT',
      openInterest: 80579.225,
      time: 1717514517019,
    });
  });
});

describe('mapFuturesOpenInterest on hand-made variants', () => {
  const base = { symbol: 'BTCUSDT', openInterest: '80579.225', time: 1717514517019 };

  it.each([
    [
      'a missing openInterest',
      { openInterest: undefined },
      'openInterest: expected a decimal string, got undefined (field missing)',
    ],
    [
      'a number instead of a string',
      { openInterest: 80579.225 },
      'openInterest: expected a decimal string, got 80579.225 (a JSON number)',
    ],
    ['"abc"', { openInterest: 'abc' }, 'openInterest: expected a decimal string, got "abc"'],
    ['a negative value', { openInterest: '-1' }, 'openInterest must be >= 0, got "-1"'],
    [
      'a time in the future',
      { time: 1717514518000 + 2 * 86_400_000 },
      'time: 1717687318000 is more than a day after the reference time 1717514518000',
    ],
  ])('throws a PayloadError naming the symbol for %s', (_what, change, reason) => {
    const error = payloadErrorOf(() => mapFuturesOpenInterest({ ...base, ...change }, ctx));
    expect(error.endpoint).toBe('/fapi/v1/openInterest');
    expect(error.symbol).toBe('BTCUSDT');
    expect(error.reason).toBe(reason);
  });

  it('throws without a symbol when the body has none, is an array, HTML or an error body', () => {
    expect(payloadErrorOf(() => mapFuturesOpenInterest({ ...base, symbol: undefined }, ctx)).message).toBe(
      '/fapi/v1/openInterest: -: symbol: expected a non-empty string, got undefined (field missing)',
    );
    expect(payloadErrorOf(() => mapFuturesOpenInterest([base], ctx)).reason).toBe(
      'expected a JSON object, got an array of 1',
    );
    expect(payloadErrorOf(() => mapFuturesOpenInterest('<html>', ctx)).reason).toBe(
      'expected a JSON object, got "<html>"',
    );
    expect(payloadErrorOf(() => mapFuturesOpenInterest(fixture('errors/invalid_symbol_-1121.json'), ctx)).reason).toBe(
      'Binance error body -1121: Invalid symbol.',
    );
  });
});

describe('keepLatestOpenInterest', () => {
  it('keeps the newer value per symbol and ignores a late older response', () => {
    const book = new Map<string, FuturesOpenInterest>();
    const first = { symbol: 'BTCUSDT', openInterest: 1, time: 1_717_514_517_019 };
    const newer = { symbol: 'BTCUSDT', openInterest: 2, time: 1_717_514_527_019 };
    expect(keepLatestOpenInterest(book, first)).toBe(true);
    expect(keepLatestOpenInterest(book, newer)).toBe(true);
    expect(keepLatestOpenInterest(book, first)).toBe(false);
    expect(keepLatestOpenInterest(book, { ...newer, openInterest: 3 })).toBe(false);
    expect(book.get('BTCUSDT')).toBe(newer);
  });
});

import { type OptionOpenInterest, keepLatestOptionOpenInterest, mapOptionsOpenInterest } from '../../src/map';
import { fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

const ctx = { captureTime: 1_668_754_030_000, source: 'binance.options.rest' };
const row = {
  symbol: 'ETH-221119-1175-P',
  sumOpenInterest: '4.01',
  sumOpenInterestUsd: '4880.2985615624',
  timestamp: '1668754020000',
};

describe('mapOptionsOpenInterest on the documentation example (DOC EXAMPLE: shape only)', () => {
  it('reads contracts, USD value and the string timestamp as an ms time', () => {
    expect(mapOptionsOpenInterest(fixture('options/openInterest.json'), ctx)).toEqual({
      records: [
        { symbol: 'ETH-221119-1175-P', openInterest: 4.01, openInterestUsd: 4880.2985615624, time: 1668754020000 },
      ],
      rejected: [],
    });
  });
});

describe('mapOptionsOpenInterest on hand-made variants', () => {
  it('also accepts the timestamp as a JSON integer', () => {
    expect(mapOptionsOpenInterest([{ ...row, timestamp: 1668754020000 }], ctx).records[0]?.time).toBe(1668754020000);
  });

  it.each([
    [
      'a missing sumOpenInterest',
      { sumOpenInterest: undefined },
      'sumOpenInterest: expected a decimal string, got undefined (field missing)',
    ],
    [
      'a number instead of a string',
      { sumOpenInterestUsd: 4880.3 },
      'sumOpenInterestUsd: expected a decimal string, got 4880.3 (a JSON number)',
    ],
    ['"abc"', { sumOpenInterest: 'abc' }, 'sumOpenInterest: expected a decimal string, got "abc"'],
    ['a negative value', { sumOpenInterest: '-4.01' }, 'sumOpenInterest must be >= 0, got "-4.01"'],
    [
      'a non-digit timestamp',
      { timestamp: '2022-11-18' },
      'timestamp: expected an ms time as digits, got "2022-11-18"',
    ],
    [
      'a timestamp in seconds',
      { timestamp: '1668754020' },
      'timestamp: 1668754020 is before 2017-01-01, not a Binance ms time',
    ],
  ])('rejects a row with %s and keeps the others', (_what, change, reason) => {
    const mapped = mapOptionsOpenInterest(
      [
        { ...row, ...change },
        { ...row, symbol: 'ETH-221119-1200-P' },
      ],
      ctx,
    );
    expect(mapped.records.map((r) => r.symbol)).toEqual(['ETH-221119-1200-P']);
    expect(mapped.rejected).toEqual([{ endpoint: '/eapi/v1/openInterest', symbol: 'ETH-221119-1175-P', reason }]);
  });

  it('throws a PayloadError for an object body, HTML and the recorded error body', () => {
    expect(payloadErrorOf(() => mapOptionsOpenInterest(row, ctx)).reason).toBe('expected a JSON array, got an object');
    expect(payloadErrorOf(() => mapOptionsOpenInterest('<html>', ctx)).reason).toBe(
      'expected a JSON array, got "<html>"',
    );
    expect(payloadErrorOf(() => mapOptionsOpenInterest(fixture('errors/invalid_symbol_-1121.json'), ctx)).reason).toBe(
      'Binance error body -1121: Invalid symbol.',
    );
  });
});

describe('keepLatestOptionOpenInterest', () => {
  it('takes newer rows per symbol and ignores older or repeated ones', () => {
    const book = new Map<string, OptionOpenInterest>();
    const a = { symbol: 'ETH-221119-1175-P', openInterest: 4.01, openInterestUsd: 4880.3, time: 1668754020000 };
    const b = { ...a, openInterest: 5, time: 1668754080000 };
    expect(keepLatestOptionOpenInterest(book, [a])).toBe(1);
    expect(keepLatestOptionOpenInterest(book, [b, a])).toBe(1);
    expect(keepLatestOptionOpenInterest(book, [b])).toBe(0);
    expect(book.get(a.symbol)).toBe(b);
  });
});

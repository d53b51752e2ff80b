import { mapFuturesPremiumIndex } from '../../src/map';
import { element, fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

/** 2025-06-17T08:38:09Z: just after `time` of futures/premiumIndex.json */
const ctx = { captureTime: 1_750_149_489_000, source: 'binance.futures.rest' };
const FILE = 'futures/premiumIndex.json';

describe('mapFuturesPremiumIndex on the recorded all-symbols response (LIVE 2025-06-17, trimmed to 5)', () => {
  const mapped = mapFuturesPremiumIndex(fixture(FILE), ctx);

  it('reads mark, index, funding and times as Binance sent them', () => {
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records).toEqual([
      {
        symbol: 'DIAUSDT',
        markPrice: 0.3883,
        indexPrice: 0.38923685,
        lastFundingRate: 0.00005,
        nextFundingTime: 1750161600000,
        interestRate: 0.00005,
        time: 1750149488000,
      },
      {
        symbol: 'BTCUSDT_250627',
        markPrice: 106745.67326087,
        indexPrice: 106647.69847826,
        lastFundingRate: 0,
        nextFundingTime: null,
        interestRate: 0,
        time: 1750149488000,
      },
      {
        symbol: 'AXLUSDT',
        markPrice: 0.40436595,
        indexPrice: 0.40471692,
        lastFundingRate: -0.00014066,
        nextFundingTime: 1750150800000,
        interestRate: 0.0000125,
        time: 1750149488000,
      },
      {
        symbol: 'BTCUSDT',
        markPrice: 106599.9,
        indexPrice: 106647.69847826,
        lastFundingRate: 0.00004758,
        nextFundingTime: 1750176000000,
        interestRate: 0.0001,
        time: 1750149488000,
      },
      {
        symbol: 'ETHUSDT',
        markPrice: 2575.46,
        indexPrice: 2576.02186047,
        lastFundingRate: 0.0001,
        nextFundingTime: 1750176000000,
        interestRate: 0.0001,
        time: 1750149488000,
      },
    ]);
  });

  it('keeps the delivery contract nextFundingTime 0 as null and its "0.00000000" rate as a plain 0 (the merge decides)', () => {
    const delivery = mapped.records[1];
    expect(delivery?.nextFundingTime).toBeNull();
    expect(delivery?.lastFundingRate).toBe(0);
  });
});

describe('mapFuturesPremiumIndex on hand-made variants', () => {
  it('reads the COIN-M style blank funding fields of a delivery contract as null', () => {
    const blank = { ...element(FILE, 1), lastFundingRate: '', interestRate: '', nextFundingTime: 0 };
    expect(mapFuturesPremiumIndex([blank], ctx).records[0]).toEqual({
      symbol: 'BTCUSDT_250627',
      markPrice: 106745.67326087,
      indexPrice: 106647.69847826,
      lastFundingRate: null,
      nextFundingTime: null,
      interestRate: null,
      time: 1750149488000,
    });
  });

  it('reads an absent interestRate as null (the field is optional in this shape) and a malformed one as a rejection', () => {
    const absent = { ...element(FILE, 0), interestRate: undefined };
    expect(mapFuturesPremiumIndex([absent], ctx).records[0]?.interestRate).toBeNull();
    const bad = mapFuturesPremiumIndex([{ ...element(FILE, 0), interestRate: 'x' }], ctx);
    expect(bad.records).toEqual([]);
    expect(bad.rejected[0]?.reason).toMatch(/^interestRate: /);
  });

  it.each([
    ['a missing lastFundingRate', { lastFundingRate: undefined }, 'lastFundingRate: missing'],
    ['a zero index price', { indexPrice: '0.00000000' }, 'indexPrice must be > 0, got "0.00000000"'],
    [
      'a mark price as a number',
      { markPrice: 106599.9 },
      'markPrice: expected a decimal string, got 106599.9 (a JSON number)',
    ],
    ['a negative mark price', { markPrice: '-1' }, 'markPrice must be > 0, got "-1"'],
    ['"abc" funding', { lastFundingRate: 'abc' }, 'lastFundingRate: expected a decimal string, got "abc"'],
    [
      'nextFundingTime in seconds',
      { nextFundingTime: 1750176000 },
      'nextFundingTime: 1750176000 is outside 2017-01-01..2101-01-01, not a Binance ms time',
    ],
    ['time as a string', { time: '1750149488000' }, 'time: expected an integer ms time, got "1750149488000"'],
  ])('rejects an element with %s and keeps the others', (_what, change, reason) => {
    const body = [element(FILE, 0), { ...element(FILE, 3), ...change }, element(FILE, 4)];
    const mapped = mapFuturesPremiumIndex(body, ctx);
    expect(mapped.records.map((r) => r.symbol)).toEqual(['DIAUSDT', 'ETHUSDT']);
    expect(mapped.rejected).toEqual([{ endpoint: '/fapi/v1/premiumIndex', symbol: 'BTCUSDT', reason }]);
  });

  it('throws a PayloadError for an HTML page and the recorded error body', () => {
    expect(payloadErrorOf(() => mapFuturesPremiumIndex('<html>', ctx)).reason).toBe(
      'expected a JSON array or object, got "<html>"',
    );
    expect(payloadErrorOf(() => mapFuturesPremiumIndex(fixture('errors/invalid_symbol_-1121.json'), ctx)).reason).toBe(
      'Binance error body -1121: Invalid symbol.',
    );
  });

  it('rejects the recorded fundingRate history body (DOC EXAMPLE) fed here by mistake', () => {
    expect(mapFuturesPremiumIndex(fixture('futures/fundingRate.json'), ctx).rejected).toEqual([
      {
        endpoint: '/fapi/v1/premiumIndex',
        symbol: 'BTCUSDT',
        reason: 'indexPrice: expected a decimal string, got undefined (field missing)',
      },
    ]);
  });
});

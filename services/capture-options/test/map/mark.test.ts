import { mapOptionsMark } from '../../src/map';
import { element, fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

const ctx = { captureTime: 1_703_000_000_000, source: 'binance.options.rest' };
const FILE = 'options/mark.json';

describe('mapOptionsMark on the recorded ETH-231229-800-C response (LIVE, date unrecorded)', () => {
  it('reads mark price, IVs as fractions and greeks, and the -0.00000001 no-quote IVs as null', () => {
    expect(mapOptionsMark(fixture(FILE), ctx)).toEqual({
      records: [
        {
          symbol: 'ETH-231229-800-C',
          markPrice: 1789.2,
          markIV: 0.708575,
          bidIV: null,
          askIV: null,
          delta: -0.91110168,
          gamma: 0.0001436,
          theta: -1.0575559,
          vega: 2.00337645,
        },
      ],
      rejected: [],
    });
  });

  it('keeps the odd negative call delta of the recording, since it is a well-formed number', () => {
    expect(mapOptionsMark(fixture(FILE), ctx).records[0]?.delta).toBe(-0.91110168);
  });
});

describe('mapOptionsMark on hand-made variants', () => {
  it('keeps real bid and ask IVs and reads the WS-style -1.0 sentinel as null', () => {
    const [record] = mapOptionsMark([{ ...element(FILE, 0), bidIV: '0.65', askIV: '-1.0' }], ctx).records;
    expect(record?.bidIV).toBe(0.65);
    expect(record?.askIV).toBeNull();
  });

  it('accepts a zero mark price of a worthless option', () => {
    expect(mapOptionsMark([{ ...element(FILE, 0), markPrice: '0' }], ctx).records[0]?.markPrice).toBe(0);
  });

  it.each([
    ['a missing markIV', { markIV: undefined }, 'markIV: expected a decimal string, got undefined (field missing)'],
    ['a delta as a number', { delta: -0.91 }, 'delta: expected a decimal string, got -0.91 (a JSON number)'],
    ['"abc" gamma', { gamma: 'abc' }, 'gamma: expected a decimal string, got "abc"'],
    ['"NaN" vega', { vega: 'NaN' }, 'vega: expected a decimal string, got "NaN"'],
    ['a negative mark price', { markPrice: '-1789.2' }, 'markPrice must be >= 0, got "-1789.2"'],
    ['a negative markIV', { markIV: '-0.7' }, 'markIV must be >= 0, got "-0.7"'],
    ['a missing bidIV', { bidIV: undefined }, 'bidIV: missing'],
  ])('rejects an element with %s', (_what, change, reason) => {
    const mapped = mapOptionsMark(
      [
        { ...element(FILE, 0), ...change },
        { ...element(FILE, 0), symbol: 'ETH-231229-900-C' },
      ],
      ctx,
    );
    expect(mapped.records.map((r) => r.symbol)).toEqual(['ETH-231229-900-C']);
    expect(mapped.rejected).toEqual([{ endpoint: '/eapi/v1/mark', symbol: 'ETH-231229-800-C', reason }]);
  });

  it('throws a PayloadError for an object body, HTML and an error body', () => {
    expect(payloadErrorOf(() => mapOptionsMark(element(FILE, 0), ctx)).reason).toBe(
      'expected a JSON array, got an object',
    );
    expect(payloadErrorOf(() => mapOptionsMark('<html>', ctx)).reason).toBe('expected a JSON array, got "<html>"');
    expect(payloadErrorOf(() => mapOptionsMark(fixture('errors/ip_banned_418_-1003.json'), ctx)).reason).toMatch(
      /^Binance error body -1003: /,
    );
  });
});

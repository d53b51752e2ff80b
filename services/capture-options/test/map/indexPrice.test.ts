import { mapOptionsIndex } from '../../src/map';
import { fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

const ctx = { captureTime: 1_656_647_306_000, source: 'binance.options.rest' };

describe('mapOptionsIndex on the documentation example (DOC EXAMPLE: shape only)', () => {
  it('reads the index price and its time for the underlying the caller asked for', () => {
    expect(mapOptionsIndex(fixture('options/index.json'), 'BTCUSDT', ctx)).toEqual({
      underlying: 'BTCUSDT',
      indexPrice: 105917.75,
      time: 1656647305000,
    });
  });
});

describe('mapOptionsIndex on hand-made variants', () => {
  it.each([
    [
      'a missing indexPrice',
      { time: 1656647305000 },
      'indexPrice: expected a decimal string, got undefined (field missing)',
    ],
    [
      'a number instead of a string',
      { time: 1656647305000, indexPrice: 105917.75 },
      'indexPrice: expected a decimal string, got 105917.75 (a JSON number)',
    ],
    ['a zero index', { time: 1656647305000, indexPrice: '0' }, 'indexPrice must be > 0, got "0"'],
    ['"abc"', { time: 1656647305000, indexPrice: 'abc' }, 'indexPrice: expected a decimal string, got "abc"'],
    [
      'a time as a string',
      { time: '1656647305000', indexPrice: '105917.75' },
      'time: expected an integer ms time, got "1656647305000"',
    ],
  ])('throws a PayloadError naming the underlying for %s', (_what, body, reason) => {
    const error = payloadErrorOf(() => mapOptionsIndex(body, 'BTCUSDT', ctx));
    expect(error.endpoint).toBe('/eapi/v1/index');
    expect(error.symbol).toBe('BTCUSDT');
    expect(error.reason).toBe(reason);
  });

  it('throws for an array, HTML and the recorded error body', () => {
    expect(payloadErrorOf(() => mapOptionsIndex([], 'BTCUSDT', ctx)).reason).toBe(
      'expected a JSON object, got an array of 0',
    );
    expect(payloadErrorOf(() => mapOptionsIndex('<html>', 'BTCUSDT', ctx)).reason).toBe(
      'expected a JSON object, got "<html>"',
    );
    expect(
      payloadErrorOf(() => mapOptionsIndex(fixture('errors/invalid_symbol_-1121.json'), 'NOPEUSDT', ctx)).message,
    ).toBe('/eapi/v1/index: NOPEUSDT: Binance error body -1121: Invalid symbol.');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PayloadError, parseRateLimits } from '../../src/checked';

const FIXTURES = join(__dirname, '../../../../fixtures/binance');
function fixture(path: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as unknown;
}

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof PayloadError) return error.reason;
    throw error;
  }
  return 'no error';
}

describe('parseRateLimits', () => {
  it('reads the four limits of the recorded spot exchangeInfo (LIVE 2023-09-08)', () => {
    expect(parseRateLimits(fixture('spot/exchangeInfo.json'), '/api/v3/exchangeInfo')).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 160000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ]);
  });

  it('reads the production USD-M limits (LIVE 2024-10-20): 2400 weight per minute', () => {
    expect(parseRateLimits(fixture('futures/exchangeInfo.json'), '/fapi/v1/exchangeInfo')).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ]);
  });

  it('reads the options limits of the documentation example', () => {
    expect(parseRateLimits(fixture('options/exchangeInfo.json'), '/eapi/v1/exchangeInfo')).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ]);
  });

  it('accepts the rateLimits array on its own as well as the whole body', () => {
    const list = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 }];
    expect(parseRateLimits(list, '/fapi/v1/exchangeInfo')).toEqual(list);
    expect(parseRateLimits([], '/fapi/v1/exchangeInfo')).toEqual([]);
  });

  it('throws for an interval the weight budget cannot convert, instead of dropping that limit', () => {
    const list = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'HOUR', intervalNum: 1, limit: 2400 }];
    expect(reasonOf(() => parseRateLimits(list, '/fapi/v1/exchangeInfo'))).toBe(
      'rateLimits[0].interval: expected one of SECOND|MINUTE|DAY, got "HOUR"',
    );
  });

  it.each([
    [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: '6000' },
      'rateLimits[0].limit: expected a positive integer, got "6000"',
    ],
    [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 0, limit: 6000 },
      'rateLimits[0].intervalNum must be > 0, got 0',
    ],
    [
      { interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      'rateLimits[0].rateLimitType: expected a non-empty string, got undefined (field missing)',
    ],
    ['REQUEST_WEIGHT', 'rateLimits[0]: expected an object, got "REQUEST_WEIGHT"'],
  ])('throws a PayloadError naming the malformed entry %j', (entry, reason) => {
    expect(reasonOf(() => parseRateLimits([entry], '/api/v3/exchangeInfo'))).toBe(reason);
  });

  it('throws when the body has no rateLimits array', () => {
    expect(reasonOf(() => parseRateLimits({ rateLimits: 'x' }, '/api/v3/exchangeInfo'))).toBe(
      'expected a JSON array, got "x"',
    );
    expect(reasonOf(() => parseRateLimits('<html>', '/api/v3/exchangeInfo'))).toBe(
      'expected a JSON array, got "<html>"',
    );
  });
});

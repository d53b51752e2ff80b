import { describeValue } from './describe';
import { FieldError, PayloadError } from './errors';
import { expectArray, isRawObject } from './mapped';
import { oneOf, positiveInteger, requiredString } from './numbers';

/** One entry of exchangeInfo `rateLimits` (BINANCE_API.md §1.3, §2.3, §3.4, §4.1). */
export interface RateLimit {
  /** REQUEST_WEIGHT, ORDERS, RAW_REQUESTS */
  rateLimitType: string;
  interval: 'SECOND' | 'MINUTE' | 'DAY';
  intervalNum: number;
  limit: number;
}

const INTERVALS = ['SECOND', 'MINUTE', 'DAY'] as const;

/**
 * The `rateLimits` of an exchangeInfo body (pass the whole body or just its `rateLimits` array).
 * Strict on purpose: the weight budget is built from it, so one malformed or unknown entry (e.g. an
 * interval other than SECOND/MINUTE/DAY) throws PayloadError instead of silently losing a limit.
 */
export function parseRateLimits(raw: unknown, endpoint: string): RateLimit[] {
  const list = isRawObject(raw) && 'rateLimits' in raw ? raw['rateLimits'] : raw;
  const entries = expectArray(list, endpoint);
  const limits: RateLimit[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!isRawObject(entry))
      throw new PayloadError(endpoint, null, `rateLimits[${i}]: expected an object, got ${describeValue(entry)}`);
    try {
      limits.push({
        rateLimitType: requiredString(entry['rateLimitType'], 'rateLimitType'),
        interval: oneOf(entry['interval'], 'interval', INTERVALS),
        intervalNum: positiveInteger(entry['intervalNum'], 'intervalNum'),
        limit: positiveInteger(entry['limit'], 'limit'),
      });
    } catch (error) {
      if (error instanceof FieldError) throw new PayloadError(endpoint, null, `rateLimits[${i}].${error.reason}`);
      throw error;
    }
  }
  return limits;
}

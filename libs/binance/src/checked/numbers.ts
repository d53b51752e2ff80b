/**
 * Field parsers, chosen by what a field means (tardis EXCHANGE_NUMERIC_FIELDS): each turns one raw
 * JSON value into a number exactly once or throws a FieldError naming the field and the bad value.
 * They run for every field of every element (~100k calls/s), so the success path allocates nothing:
 * no regex, no trimming, just a char scan and Number().
 *
 * Binance sends prices, quantities, rates, IVs and greeks as decimal strings and times, ids and
 * counts as JSON integers (BINANCE_API.md, "JSON type shorthand"); a JSON number where a decimal
 * string belongs, or the reverse, is treated as a malformed payload, not coerced.
 *
 * "Optional" is about the value, not the key: the key must be there (a renamed field must not turn
 * into a silent null), the value may be Binance's blank ("" or null).
 */
import { describeValue } from './describe';
import { FieldError } from './errors';

/** 2017-01-01T00:00:00Z: nothing Binance publishes is older (spot opened July 2017). */
export const MIN_TIME_MS = 1_483_228_800_000;
/** 2101-01-01T00:00:00Z: above the perpetuals' deliveryDate sentinel 4133404800000 (2100-12-25). */
export const MAX_DATE_MS = 4_133_980_800_000;
/** How far an event time may lie after the reference clock (clock skew, never a day). */
export const MAX_FUTURE_SKEW_MS = 86_400_000;

const MAX_DECIMAL_LENGTH = 40;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isExponentTail(s: string, from: number): boolean {
  let i = from;
  const n = s.length;
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
  if (i >= n) return false;
  for (; i < n; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
const MAX_EXACT = 2 ** 53;

/**
 * The value of decimal text `-?digits[.digits][e±digits]` (at least one digit; no blanks, other signs,
 * hex, Infinity or NaN), or NaN when the text is not of that form. Same result as Number(text), bit
 * for bit: when the digits (trailing fractional zeros dropped) fit in 2^53 and at most 22 of them
 * are fractional, mantissa / 10^scale is one correctly rounded IEEE division of two exact values
 * (Clinger's fast path); anything else (long mantissas, exponents) is handed to Number() once the
 * text is known to be valid. Binance prices like "60755.18000000" always take the fast path.
 */
export function parseDecimalText(s: string): number {
  const n = s.length;
  if (n === 0 || n > MAX_DECIMAL_LENGTH) return Number.NaN;
  const negative = s.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  const intStart = i;
  let mantissa = 0;
  let c = 0;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    mantissa = mantissa * 10 + (c - 48);
  }
  let digits = i - intStart;
  let scale = 0;
  if (i < n && c === 46) {
    // Fraction: a run of zeros is multiplied in only when a non-zero digit follows, so trailing
    // zeros ("60755.18000000") never grow the mantissa.
    const dot = i;
    let last = i;
    for (i++; i < n; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (c === 48) continue;
      const k = i - last; // k - 1 zeros, then this digit
      last = i;
      scale += k;
      if (scale <= 22) mantissa = mantissa * (POW10[k] as number) + (c - 48); // else: fallback below, keep validating
    }
    digits += i - dot - 1;
  }
  if (digits === 0) return Number.NaN;
  if (i < n) {
    // Only an exponent may follow the digits.
    if ((c === 101 || c === 69) && isExponentTail(s, i + 1)) return Number(s);
    return Number.NaN;
  }
  if (mantissa >= MAX_EXACT || scale > 22) return Number(s);
  const value = mantissa / (POW10[scale] as number);
  return negative ? -value : value;
}

/** Whether `s` is decimal text as parseDecimalText reads it. */
export function isDecimalText(s: string): boolean {
  return !Number.isNaN(parseDecimalText(s));
}

function decimalOf(raw: unknown, field: string): number {
  if (typeof raw === 'string') {
    const value = parseDecimalText(raw);
    if (value - value === 0) return value; // finite: NaN and ±Infinity fail this
    if (!Number.isNaN(value)) throw new FieldError(`${field}: expected a finite decimal, got ${describeValue(raw)}`);
  }
  throw new FieldError(`${field}: expected a decimal string, got ${describeValue(raw)}`);
}

function isBlank(raw: unknown): boolean {
  return raw === '' || raw === null;
}

function missing(field: string): FieldError {
  return new FieldError(`${field}: missing`);
}

/** Required decimal string, any sign (price change, funding rate of a perpetual, greeks). */
export function requiredNumber(raw: unknown, field: string): number {
  return decimalOf(raw, field);
}

/** Required decimal string that must be > 0 (last/open/high/low/mark/index prices). */
export function requiredPositive(raw: unknown, field: string): number {
  const value = decimalOf(raw, field);
  if (value > 0) return value;
  throw new FieldError(`${field} must be > 0, got ${describeValue(raw)}`);
}

/** Required decimal string that must be >= 0 (volumes, open interest, quantities). */
export function requiredNonNegative(raw: unknown, field: string): number {
  const value = decimalOf(raw, field);
  if (value >= 0) return value;
  throw new FieldError(`${field} must be >= 0, got ${describeValue(raw)}`);
}

/** Optional decimal where 0 is a real value: "" or null means absent (null), "0.0" stays 0 (funding rate). */
export function optionalNumber(raw: unknown, field: string): number | null {
  if (raw === undefined) throw missing(field);
  if (isBlank(raw)) return null;
  return decimalOf(raw, field);
}

/**
 * Optional price or quantity where 0 means absent: "", null and 0 give null (no bid, no trade yet);
 * a negative value is malformed and rejected (best bid/ask, option last price).
 */
export function optionalPositive(raw: unknown, field: string): number | null {
  if (raw === undefined) throw missing(field);
  if (isBlank(raw)) return null;
  const value = decimalOf(raw, field);
  if (value > 0) return value;
  if (value === 0) return null;
  throw new FieldError(`${field} must be >= 0, got ${describeValue(raw)}`);
}

/**
 * Optional value where anything <= 0 is one of Binance's "no quote" sentinels and means absent:
 * "", null, 0, "-1.0" (options WS), "-0.00000001" (options REST mark bidIV/askIV).
 */
export function optionalAboveZero(raw: unknown, field: string): number | null {
  if (raw === undefined) throw missing(field);
  if (isBlank(raw)) return null;
  const value = decimalOf(raw, field);
  return value > 0 ? value : null;
}

function integerOf(raw: unknown, field: string, what: string): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) {
    throw new FieldError(`${field}: expected ${what}, got ${describeValue(raw)}`);
  }
  return raw;
}

function checkTimeWindow(value: number, field: string, referenceMs: number): number {
  if (value < MIN_TIME_MS) throw new FieldError(`${field}: ${value} is before 2017-01-01, not a Binance ms time`);
  if (value > referenceMs + MAX_FUTURE_SKEW_MS) {
    throw new FieldError(`${field}: ${value} is more than a day after the reference time ${referenceMs}`);
  }
  return value;
}

/**
 * Required event time: a JSON integer in ms, not before 2017-01-01 and at most a day after
 * `referenceMs` (the capture time). Catches seconds, microseconds (X-MBX-TIME-UNIT) and 0.
 */
export function timeMs(raw: unknown, field: string, referenceMs: number): number {
  return checkTimeWindow(integerOf(raw, field, 'an integer ms time'), field, referenceMs);
}

/** Like timeMs, for the few places Binance sends a time as a digit string (options openInterest `timestamp`); a JSON integer is accepted too. */
export function timeMsFromText(raw: unknown, field: string, referenceMs: number): number {
  if (typeof raw === 'number') return timeMs(raw, field, referenceMs);
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 16) {
    throw new FieldError(`${field}: expected an ms time as digits, got ${describeValue(raw)}`);
  }
  for (let i = 0; i < raw.length; i++) {
    if (!isDigit(raw.charCodeAt(i))) {
      throw new FieldError(`${field}: expected an ms time as digits, got ${describeValue(raw)}`);
    }
  }
  return checkTimeWindow(Number(raw), field, referenceMs);
}

/** A calendar date in ms that may lie years ahead (expiry, delivery): 2017-01-01 .. 2101-01-01. */
export function dateMs(raw: unknown, field: string): number {
  const value = integerOf(raw, field, 'an integer ms time');
  if (value < MIN_TIME_MS || value > MAX_DATE_MS) {
    throw new FieldError(`${field}: ${value} is outside 2017-01-01..2101-01-01, not a Binance ms time`);
  }
  return value;
}

/** Like dateMs, but 0 means "none" and gives null (nextFundingTime of delivery contracts). */
export function optionalDateMs(raw: unknown, field: string): number | null {
  if (raw === 0) return null;
  return dateMs(raw, field);
}

/** A count: JSON integer >= 0 (trade count). */
export function count(raw: unknown, field: string): number {
  const value = integerOf(raw, field, 'an integer count');
  if (value < 0) throw new FieldError(`${field} must be >= 0, got ${value}`);
  return value;
}

/** A JSON integer > 0 (rate-limit intervalNum and limit, option unit). */
export function positiveInteger(raw: unknown, field: string): number {
  const value = integerOf(raw, field, 'a positive integer');
  if (value <= 0) throw new FieldError(`${field} must be > 0, got ${value}`);
  return value;
}

/** A non-empty JSON string (symbols, assets, statuses). */
export function requiredString(raw: unknown, field: string): string {
  if (typeof raw === 'string' && raw.length > 0) return raw;
  throw new FieldError(`${field}: expected a non-empty string, got ${describeValue(raw)}`);
}

/** One of a fixed set of strings (CALL/PUT, SECOND/MINUTE/DAY). */
export function oneOf<T extends string>(raw: unknown, field: string, allowed: readonly T[]): T {
  if (typeof raw === 'string') {
    for (const candidate of allowed) if (candidate === raw) return candidate;
  }
  throw new FieldError(`${field}: expected one of ${allowed.join('|')}, got ${describeValue(raw)}`);
}

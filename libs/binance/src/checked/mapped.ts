import { describeValue } from './describe';
import { FieldError, PayloadError } from './errors';

/** One element of a bulk response that was not turned into a record, and why. */
export interface Rejection {
  endpoint: string;
  /** null when the element has no usable symbol */
  symbol: string | null;
  reason: string;
}

/** The result of a bulk mapper: the good records and the rejected elements, never a partial record. */
export interface Mapped<T> {
  records: T[];
  rejected: Rejection[];
}

/** What every mapper gets besides the raw body: the local receive time and the source tag. */
export interface MapContext {
  /** Local epoch ms at which the body was received; never used as an event time. */
  captureTime: number;
  /** Producer and path: binance.spot.rest, binance.futures.rest, binance.options.rest */
  source: string;
  /**
   * Exchange time of the observation, where the body itself does not say when it was taken (a REST
   * answer): the exchange clock's earliest reading when the request was sent, so a record is never
   * fresher than it is.
   */
  observedAt?: number;
}

/** A raw JSON object as it came off the wire; every value is unknown until a parser checks it. */
export type RawObject = { readonly [key: string]: unknown };

export function isRawObject(raw: unknown): raw is RawObject {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/** `{code: int, msg: str}` is Binance's error body (BINANCE_API.md §5), sometimes sent with HTTP 200 by proxies. */
function errorEnvelope(raw: RawObject): string | undefined {
  const code = raw['code'];
  const msg = raw['msg'];
  if (typeof code === 'number' && typeof msg === 'string') return `Binance error body ${code}: ${msg}`;
  return undefined;
}

function shapeReason(raw: unknown, expected: string): string {
  if (isRawObject(raw)) {
    const envelope = errorEnvelope(raw);
    if (envelope !== undefined) return envelope;
  }
  return `expected ${expected}, got ${describeValue(raw)}`;
}

/** The body of an endpoint that always answers with an array; anything else throws PayloadError. */
export function expectArray(raw: unknown, endpoint: string): readonly unknown[] {
  if (Array.isArray(raw)) return raw;
  throw new PayloadError(endpoint, null, shapeReason(raw, 'a JSON array'));
}

/** The body of an endpoint that answers with one object; anything else (or an error body) throws PayloadError. */
export function expectObject(raw: unknown, endpoint: string, symbol: string | null = null): RawObject {
  if (isRawObject(raw)) {
    const envelope = errorEnvelope(raw);
    if (envelope === undefined) return raw;
    throw new PayloadError(endpoint, symbol, envelope);
  }
  throw new PayloadError(endpoint, symbol, shapeReason(raw, 'a JSON object'));
}

/** The array under `key` of an already checked body (`symbols`, `optionSymbols`); anything else throws PayloadError. */
export function expectArrayAt(body: RawObject, key: string, endpoint: string): readonly unknown[] {
  const value = body[key];
  if (Array.isArray(value)) return value;
  throw new PayloadError(endpoint, null, `${key}: expected an array, got ${describeValue(value)}`);
}

/**
 * Spot/futures ticker-style endpoints answer with an object for `?symbol=` and an array otherwise
 * (BINANCE_API.md §0 "Body shapes"); both come out as a list of elements.
 */
export function expectArrayOrObject(raw: unknown, endpoint: string): readonly unknown[] {
  if (Array.isArray(raw)) return raw;
  if (isRawObject(raw) && errorEnvelope(raw) === undefined) return [raw];
  throw new PayloadError(endpoint, null, shapeReason(raw, 'a JSON array or object'));
}

/** A Rejection from a FieldError; any other exception is a bug and is rethrown. */
export function rejectionOf(error: unknown, endpoint: string, symbol: string | null): Rejection {
  if (error instanceof FieldError) return { endpoint, symbol, reason: error.reason };
  throw error;
}

/**
 * Checks a bulk response element by element: an element that is not an object or has no string
 * `symbol` is rejected; otherwise `mapOne` runs and a FieldError it throws rejects just that element.
 * `mapOne` returns undefined for elements deliberately skipped (not an error, no rejection).
 */
export function mapElements<T>(
  elements: readonly unknown[],
  endpoint: string,
  mapOne: (element: RawObject, symbol: string) => T | undefined,
): Mapped<T> {
  const records: T[] = [];
  const rejected: Rejection[] = [];
  const n = elements.length;
  for (let i = 0; i < n; i++) {
    const element = elements[i];
    if (!isRawObject(element)) {
      rejected.push({ endpoint, symbol: null, reason: `[${i}]: expected an object, got ${describeValue(element)}` });
      continue;
    }
    const symbol = element['symbol'];
    if (typeof symbol !== 'string' || symbol.length === 0) {
      rejected.push({
        endpoint,
        symbol: null,
        reason: `[${i}].symbol: expected a non-empty string, got ${describeValue(symbol)}`,
      });
      continue;
    }
    try {
      const record = mapOne(element, symbol);
      if (record !== undefined) records.push(record);
    } catch (error) {
      rejected.push(rejectionOf(error, endpoint, symbol));
    }
  }
  return { records, rejected };
}

/**
 * Runs a single-object parse and turns a FieldError into a PayloadError for that endpoint/symbol
 * (single-object endpoints have nothing to reject but the whole body).
 */
export function orThrow<T>(endpoint: string, symbol: string | null, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof FieldError) throw new PayloadError(endpoint, symbol, error.reason);
    throw error;
  }
}

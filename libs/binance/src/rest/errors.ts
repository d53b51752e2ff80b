import type { Product } from './products';

/**
 * Errors of a Binance call. `retriable` says whether the same GET may be sent again soon;
 * `countsAgainstBreaker` whether it says something about the endpoint's health (timeouts,
 * connection failures, 5xx) rather than about the request or our rate (4xx, 429, 418).
 */
export abstract class BinanceError extends Error {
  abstract readonly retriable: boolean;
  abstract readonly countsAgainstBreaker: boolean;
  constructor(
    readonly product: Product,
    readonly endpoint: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`binance ${product} ${endpoint}: ${message}`, options);
  }
}

/** An HTTP status Binance answered with (body `{code, msg}` when it is JSON). */
export class BinanceHttpError extends BinanceError {
  override readonly name = 'BinanceHttpError';
  readonly retriable: boolean;
  readonly countsAgainstBreaker: boolean;
  constructor(
    product: Product,
    endpoint: string,
    readonly status: number,
    readonly code: number | null,
    readonly msg: string,
  ) {
    super(product, endpoint, `HTTP ${status}${code === null ? '' : ` code ${code}`}: ${msg}`);
    // 5xx: Binance-side trouble, execution status unknown; for reads that means "try again".
    this.retriable = status >= 500 || status === 408;
    this.countsAgainstBreaker = this.retriable;
  }
}

/** 429: we broke a rate limit; the budget holds all calls of the product until Retry-After. */
export class RateLimitedError extends BinanceError {
  override readonly name = 'RateLimitedError';
  readonly retriable = false;
  readonly countsAgainstBreaker = false;
  constructor(
    product: Product,
    endpoint: string,
    readonly retryAfterMs: number,
  ) {
    super(product, endpoint, `rate limited (429), holding requests for ${retryAfterMs} ms`);
  }
}

/** 418, or a call attempted during a ban: nothing is sent to the product until `until`. */
export class BannedError extends BinanceError {
  override readonly name = 'BannedError';
  readonly retriable = false;
  readonly countsAgainstBreaker = false;
  constructor(
    product: Product,
    endpoint: string,
    readonly until: number,
  ) {
    super(product, endpoint, `IP banned (418) until ${new Date(until).toISOString()}; no requests until then`);
  }
}

/** No response within the timeout, or the connection failed. */
export class TransportError extends BinanceError {
  override readonly name = 'TransportError';
  readonly retriable = true;
  readonly countsAgainstBreaker = true;
  constructor(product: Product, endpoint: string, reason: string, cause?: unknown) {
    super(product, endpoint, reason, { cause });
  }
}

/** A 200 whose body is not the JSON Binance sends (HTML error page, truncated body). */
export class BodyError extends BinanceError {
  override readonly name = 'BodyError';
  // A CDN or proxy mangling bodies is endpoint trouble; retrying the GET is safe.
  readonly retriable = true;
  readonly countsAgainstBreaker = true;
  constructor(product: Product, endpoint: string, reason: string) {
    super(product, endpoint, reason);
  }
}

/** The endpoint family's circuit breaker is open: the call was not sent. */
export class BreakerOpenError extends BinanceError {
  override readonly name = 'BreakerOpenError';
  readonly retriable = false;
  readonly countsAgainstBreaker = false;
  constructor(product: Product, endpoint: string) {
    super(product, endpoint, 'circuit breaker open; request not sent');
  }
}

/**
 * A Binance body that cannot be used at all: not the JSON shape the endpoint documents (HTML error
 * page, `{code,msg}` error envelope, an object where an array belongs, a single-object endpoint with
 * a bad field). Bulk endpoints never throw this for one bad element; they reject the element instead.
 */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
  readonly endpoint: string;
  /** The Binance symbol the problem is about; null when it concerns the whole body. */
  readonly symbol: string | null;
  readonly reason: string;

  constructor(endpoint: string, symbol: string | null, reason: string) {
    super(`${endpoint}: ${symbol ?? '-'}: ${reason}`);
    this.endpoint = endpoint;
    this.symbol = symbol;
    this.reason = reason;
  }
}

/**
 * Thrown by the field parsers; `reason` names the field and the bad value (`lastPrice must be > 0,
 * got "0.00000000"`). The per-element loop turns it into a Rejection, single-object mappers into a
 * PayloadError; it never leaves a mapper.
 */
export class FieldError extends Error {
  override readonly name = 'FieldError';
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

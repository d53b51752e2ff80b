// Query-string access with Binance's validation errors.

import { duplicateParam, emptyParam, illegalChars, invalidValue, mandatory, unknownParam } from './errors';

const INTEGER = '^[0-9]{1,20}$';

export class Params {
  private constructor(private readonly values: Map<string, string>) {}

  /** Parses a query string; a parameter sent twice is an error (-1101), as on Binance. */
  static parse(search: string): Params {
    const values = new Map<string, string>();
    for (const [k, v] of new URLSearchParams(search)) {
      if (values.has(k)) throw duplicateParam();
      values.set(k, v);
    }
    return new Params(values);
  }

  /** Raw value, without validation (for weight functions, which must not throw). */
  raw(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Rejects parameters the endpoint does not read (-1103). */
  only(allowed: readonly string[]): void {
    for (const k of this.values.keys()) if (!allowed.includes(k)) throw unknownParam();
  }

  optional(name: string): string | undefined {
    const v = this.values.get(name);
    if (v === '') throw emptyParam(name);
    return v;
  }

  required(name: string): string {
    const v = this.values.get(name);
    if (v === undefined || v === '') throw mandatory(name);
    return v;
  }

  /** A non-negative integer parameter (times, limits). */
  integer(name: string): number | undefined {
    const v = this.optional(name);
    if (v === undefined) return undefined;
    if (!/^[0-9]{1,20}$/.test(v)) throw illegalChars(name, INTEGER);
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw invalidValue(name);
    return n;
  }
}

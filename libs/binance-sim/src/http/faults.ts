// Fault injection: rules that make matching requests slow, fail, hang, drop the connection, or
// answer with a broken body. Switchable at run time (admin API) and from the command line.

import { hash5 } from '../model/random';
import { type Product } from './route';

export type FaultKind =
  | 'latency' // delay the answer by latencyMs (stacks with other faults)
  | 'status' // answer `status` (5xx, 408, 403, 451) with Binance's body for it
  | 'hang' // never answer
  | 'reset' // drop the connection with a TCP reset
  | 'malformed' // the real body with a JSON syntax error
  | 'truncate' // send Content-Length of the whole body, then only part of it, then close
  | 'html' // an HTML error page from the CDN (default 502)
  | 'wrongTypes' // a field with the wrong type: a number, "abc", null, or missing
  | 'storm429'; // every request 429 with Retry-After, regardless of weight

export interface FaultRule {
  kind: FaultKind;
  /** Only this product (all when absent). */
  product?: Product;
  /** Path pattern, `*` matching any run of characters, e.g. `/api/v3/ticker/*` (all when absent). */
  path?: string;
  /** Apply to the next N matching requests only. */
  count?: number;
  /** Apply for this long (model clock) after being set. */
  durationMs?: number;
  /** Apply to this share of matching requests (seeded, so runs repeat). */
  probability?: number;
  latencyMs?: number;
  /** For `status`/`html`: the HTTP status. */
  status?: number;
  /** For `status`/`html`: replaces the default body. */
  body?: string;
  /** For `storm429`: Retry-After seconds (default 60). */
  retryAfterSec?: number;
  /** For `wrongTypes`. */
  mutation?: 'number' | 'garbage' | 'null' | 'missing';
  /** For `wrongTypes`: the field to break (default: the first numeric-string field). */
  field?: string;
  /** For `wrongTypes`: break every element of an array, not only the first. */
  all?: boolean;
  /** For `truncate`: share of the body sent (default 0.5). */
  ratio?: number;
}

export interface ActiveFault extends FaultRule {
  readonly id: string;
  readonly until?: number;
  remaining?: number;
}

const KINDS: readonly FaultKind[] = [
  'latency',
  'status',
  'hang',
  'reset',
  'malformed',
  'truncate',
  'html',
  'wrongTypes',
  'storm429',
];
const RESPONSE_KINDS: readonly FaultKind[] = ['hang', 'reset', 'status', 'html', 'storm429'];
const BODY_KINDS: readonly FaultKind[] = ['malformed', 'truncate', 'wrongTypes'];

/** Checks an untrusted rule (admin API, CLI) and returns it typed, or throws with the reason. */
export function parseFaultRule(x: unknown): FaultRule {
  if (typeof x !== 'object' || x === null) throw new Error('a fault rule must be an object');
  const r = x as Record<string, unknown>;
  if (!KINDS.includes(r.kind as FaultKind)) throw new Error(`kind must be one of ${KINDS.join(', ')}`);
  const num = (k: string): void => {
    if (r[k] !== undefined && (typeof r[k] !== 'number' || !Number.isFinite(r[k]) || (r[k] as number) < 0))
      throw new Error(`${k} must be a non-negative number`);
  };
  ['count', 'durationMs', 'probability', 'latencyMs', 'status', 'retryAfterSec', 'ratio'].forEach(num);
  if (r.product !== undefined && !['spot', 'futures', 'options'].includes(r.product as string))
    throw new Error('product must be spot, futures or options');
  for (const k of ['path', 'body', 'field'])
    if (r[k] !== undefined && typeof r[k] !== 'string') throw new Error(`${k} must be a string`);
  if (r.mutation !== undefined && !['number', 'garbage', 'null', 'missing'].includes(r.mutation as string))
    throw new Error('mutation must be number, garbage, null or missing');
  if (r.kind === 'latency' && r.latencyMs === undefined) throw new Error('latency needs latencyMs');
  return r as unknown as FaultRule;
}

function pathMatcher(pattern: string): RegExp {
  return new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
}

export class Faults {
  private rules: ActiveFault[] = [];
  private readonly matchers = new Map<string, RegExp>();
  private nextId = 1;
  private draws = 0;

  constructor(
    private readonly now: () => number,
    private readonly seed: number,
  ) {}

  add(rule: FaultRule): string {
    const id = String(this.nextId++);
    this.rules.push({
      ...rule,
      id,
      ...(rule.durationMs !== undefined ? { until: this.now() + rule.durationMs } : {}),
      ...(rule.count !== undefined ? { remaining: rule.count } : {}),
    });
    if (rule.path !== undefined) this.matchers.set(rule.path, pathMatcher(rule.path));
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    this.expire();
    return this.rules.map((r) => ({ ...r }));
  }

  private expire(): void {
    const now = this.now();
    this.rules = this.rules.filter(
      (r) => (r.until === undefined || r.until > now) && (r.remaining === undefined || r.remaining > 0),
    );
  }

  private matches(r: ActiveFault, product: Product, path: string): boolean {
    if (r.product !== undefined && r.product !== product) return false;
    if (r.path !== undefined && !(this.matchers.get(r.path) as RegExp).test(path)) return false;
    if (r.probability !== undefined && r.probability < 1) {
      const u = hash5(this.seed, 70, Number(r.id), this.draws++, 0) / 4294967296;
      if (u >= r.probability) return false;
    }
    return true;
  }

  private take(kinds: readonly FaultKind[], product: Product, path: string, all: boolean): ActiveFault[] {
    if (this.rules.length === 0) return [];
    this.expire();
    const out: ActiveFault[] = [];
    for (const r of this.rules) {
      if (!kinds.includes(r.kind) || !this.matches(r, product, path)) continue;
      if (r.remaining !== undefined) r.remaining--;
      out.push(r);
      if (!all) break;
    }
    return out;
  }

  /** Total extra latency for this request. */
  latency(product: Product, path: string): number {
    return this.take(['latency'], product, path, true).reduce((ms, r) => ms + (r.latencyMs ?? 0), 0);
  }

  /** The fault that replaces the response entirely, if any. */
  response(product: Product, path: string): ActiveFault | undefined {
    return this.take(RESPONSE_KINDS, product, path, false)[0];
  }

  /** The fault that corrupts the body, if any. */
  body(product: Product, path: string): ActiveFault | undefined {
    return this.take(BODY_KINDS, product, path, false)[0];
  }
}

/** The real body with a JSON syntax error a lenient reader would not repair: a doubled comma, or
 * the closing bracket removed. */
export function malform(body: string): string {
  const comma = body.indexOf(',');
  return comma >= 0 ? body.slice(0, comma) + ',,' + body.slice(comma + 1) : body.slice(0, -1);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Breaks one field of the first (or every) record: a numeric string becomes a number, "abc",
 * null, or disappears; in kline arrays the open price (index 1) is broken. */
export function wrongTypes(body: string, rule: FaultRule): string {
  let data: Json;
  try {
    data = JSON.parse(body) as Json;
  } catch {
    return body;
  }
  const breakValue = (v: Json): Json | undefined => {
    switch (rule.mutation ?? 'number') {
      case 'number':
        return typeof v === 'string' ? Number(v) : String(v);
      case 'garbage':
        return 'abc';
      case 'null':
        return null;
      case 'missing':
        return undefined;
    }
  };
  const breakRecord = (rec: Json): void => {
    if (Array.isArray(rec)) {
      const v = breakValue(rec[1] ?? null);
      if (v === undefined) rec.splice(1, 1);
      else rec[1] = v;
      return;
    }
    if (typeof rec !== 'object' || rec === null) return;
    const key =
      rule.field ??
      Object.keys(rec).find((k) => typeof rec[k] === 'string' && /^-?\d+(\.\d+)?$/.test(rec[k] as string));
    if (key === undefined || !(key in rec)) return;
    const v = breakValue(rec[key] as Json);
    if (v === undefined) delete rec[key];
    else rec[key] = v;
  };
  if (Array.isArray(data) && data.length > 0 && (typeof data[0] === 'object' || Array.isArray(data[0]))) {
    if (rule.all) data.forEach(breakRecord);
    else breakRecord(data[0] as Json);
  } else breakRecord(data);
  return JSON.stringify(data);
}

/** An error page like the CDN in front of Binance serves when the origin fails. */
export function cdnErrorPage(status: number): string {
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">
<TITLE>ERROR: The request could not be satisfied</TITLE>
</HEAD><BODY>
<H1>${status} ERROR</H1>
<H2>The request could not be satisfied.</H2>
<HR noshade size="1px">
${status === 403 ? 'Request blocked.' : 'CloudFront attempted to establish a connection with the origin, but either the attempt failed or the origin closed the connection.'}
We can't connect to the server for this app or website at this time. There might be too much traffic or a configuration error. Try again later, or contact the app or website owner.
<BR clear="all">
<HR noshade size="1px">
<PRE>
Generated by cloudfront (CloudFront)
Request ID: bWFya2V0cGlwZS1zaW11bGF0b3ItZmF1bHQ=
</PRE>
<ADDRESS>
</ADDRESS>
</BODY></HTML>`;
}

/** Binance's body for an injected status: JSON for the API's own errors, HTML for the CDN's. */
export function statusBody(status: number): { body: string; type: 'json' | 'html' } {
  const json = (code: number, msg: string) => ({ body: JSON.stringify({ code, msg }), type: 'json' as const });
  switch (status) {
    case 500:
      return json(-1000, 'An unknown error occurred while processing the request.');
    case 503:
      return json(-1001, 'Internal error; unable to process your request. Please try again.');
    case 408:
      return json(
        -1007,
        'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
      );
    case 451:
      return json(
        0,
        "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.",
      );
    case 502:
    case 504:
    case 403:
      return { body: cdnErrorPage(status), type: 'html' };
    default:
      return json(-1000, 'An unknown error occurred while processing the request.');
  }
}

// Request-weight limits per product and client IP, in fixed clock-aligned windows as Binance
// counts them: REQUEST_WEIGHT per minute (all products), RAW_REQUESTS per 5 minutes (spot), and
// USD-M's separate fundingRate cap. Over a limit → 429 with Retry-After until the window rolls;
// a client that keeps sending while told to wait is banned with 418, bans doubling up to 3 days.

import { type Product } from './route';

export interface LimitConfig {
  /** REQUEST_WEIGHT per minute. */
  readonly spot: number;
  readonly futures: number;
  readonly options: number;
  /** Spot RAW_REQUESTS per 5 minutes. */
  readonly spotRawRequests: number;
  /** USD-M /fapi/v1/fundingRate requests per 5 minutes. */
  readonly fundingRate: number;
  /** Length of the first ban; each further ban doubles it, up to 3 days. */
  readonly banMs: number;
  /** 429 answers tolerated while a Retry-After runs; the next request is banned. */
  readonly banAfter: number;
}

export const DEFAULT_LIMITS: LimitConfig = {
  spot: 6000,
  futures: 2400,
  options: 2400,
  spotRawRequests: 300_000,
  fundingRate: 500,
  banMs: 120_000,
  banAfter: 2,
};

const MINUTE = 60_000;
const FIVE_MINUTES = 300_000;
const MAX_BAN = 3 * 86_400_000;

export type Verdict =
  | { readonly kind: 'ok'; readonly used: number }
  | { readonly kind: 'limited' | 'banned'; readonly used: number; readonly retryAfter: number; readonly body: string };

interface Window {
  start: number;
  used: number;
}

interface ClientState {
  weight: Window;
  raw: Window;
  funding: Window;
  /** 429s answered since the client was first told to wait. */
  strikes: number;
  /** End of the longest Retry-After given. */
  limitedUntil: number;
  bannedUntil: number;
  bans: number;
}

/** Rate-limit error bodies: spot and USD-M use -1003; the options docs list -1008 for the same. */
export function rateLimitBodies(product: Product) {
  const code = product === 'options' ? -1008 : -1003;
  const json = (msg: string): string => JSON.stringify({ code, msg });
  if (product === 'spot')
    return {
      weight: (limit: number) =>
        json(
          `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
        ),
      raw: (limit: number) =>
        json(
          `Too many requests; current limit is ${limit} requests per 5 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
        ),
      ban: (until: number) =>
        json(
          `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`,
        ),
    };
  return {
    weight: (limit: number) =>
      json(
        `Too many requests; current limit is ${limit} requests per minute. Please use the websocket for live updates to avoid polling the API.`,
      ),
    raw: (limit: number) =>
      json(
        `Too many requests; current limit is ${limit} requests per 5 minutes. Please use the websocket for live updates to avoid polling the API.`,
      ),
    ban: (until: number) =>
      json(`Way too many requests; IP banned until ${until}. Please use the websocket for live updates to avoid bans.`),
  };
}

export class RateLimiter {
  private readonly clients = new Map<string, ClientState>();

  constructor(
    readonly config: LimitConfig,
    private readonly now: () => number,
  ) {}

  private state(product: Product, ip: string): ClientState {
    const key = product + ' ' + ip;
    let s = this.clients.get(key);
    if (!s) {
      s = {
        weight: { start: 0, used: 0 },
        raw: { start: 0, used: 0 },
        funding: { start: 0, used: 0 },
        strikes: 0,
        limitedUntil: 0,
        bannedUntil: 0,
        bans: 0,
      };
      this.clients.set(key, s);
    }
    return s;
  }

  /** Weight used by this client in the current minute (what X-MBX-USED-WEIGHT-1M reports). */
  used(product: Product, ip: string): number {
    const s = this.state(product, ip);
    roll(s.weight, this.now(), MINUTE);
    return s.weight.used;
  }

  /**
   * Weight spent by other clients on the same IP (they share its counter, BINANCE_API.md §4): adds
   * `weight` to the current minute of `product` on `ip` without answering anything, as if another
   * process on the host had sent requests that were served. Returns the counter after it. Those
   * requests earn no 429 strikes; the next request of anyone on the IP that goes over the limit does.
   */
  addWeight(product: Product, ip: string, weight: number): number {
    if (!Number.isFinite(weight) || weight < 0) throw new Error(`weight must be a number >= 0, got ${weight}`);
    const s = this.state(product, ip);
    roll(s.weight, this.now(), MINUTE);
    s.weight.used += weight;
    return s.weight.used;
  }

  /** Charges one request and decides whether it may be served. */
  charge(product: Product, ip: string, weight: number, fundingCap: boolean): Verdict {
    const now = this.now();
    const s = this.state(product, ip);
    const b = rateLimitBodies(product);
    roll(s.weight, now, MINUTE);
    roll(s.raw, now, FIVE_MINUTES);
    roll(s.funding, now, FIVE_MINUTES);
    const banned = (): Verdict => ({
      kind: 'banned',
      used: s.weight.used,
      retryAfter: Math.ceil((s.bannedUntil - now) / 1000),
      body: b.ban(s.bannedUntil),
    });
    if (s.bannedUntil > now) return banned();
    if (s.limitedUntil <= now) s.strikes = 0;
    else if (s.strikes >= this.config.banAfter) {
      s.bannedUntil = now + Math.min(this.config.banMs * 2 ** s.bans, MAX_BAN);
      s.bans++;
      s.strikes = 0;
      s.limitedUntil = 0;
      return banned();
    }
    s.weight.used += weight;
    if (product === 'spot') s.raw.used += 1;
    if (fundingCap) s.funding.used += 1;
    let body: string | undefined;
    let until = 0;
    const limit = this.config[product];
    if (s.weight.used > limit) {
      body = b.weight(limit);
      until = s.weight.start + MINUTE;
    } else if (product === 'spot' && s.raw.used > this.config.spotRawRequests) {
      body = b.raw(this.config.spotRawRequests);
      until = s.raw.start + FIVE_MINUTES;
    } else if (fundingCap && s.funding.used > this.config.fundingRate) {
      body = b.raw(this.config.fundingRate);
      until = s.funding.start + FIVE_MINUTES;
    }
    if (body === undefined) return { kind: 'ok', used: s.weight.used };
    s.strikes++;
    s.limitedUntil = Math.max(s.limitedUntil, until);
    return { kind: 'limited', used: s.weight.used, retryAfter: Math.ceil((until - now) / 1000), body };
  }

  /** Forgets every counter and ban (between tests). */
  reset(): void {
    this.clients.clear();
  }
}

function roll(w: Window, now: number, length: number): void {
  const start = Math.floor(now / length) * length;
  if (start !== w.start) {
    w.start = start;
    w.used = 0;
  }
}

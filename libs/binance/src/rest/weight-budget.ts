import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimit } from '../checked';
import { BannedError } from './errors';
import type { Product } from './products';

export interface WeightBudgetOptions {
  product: Product;
  /** REQUEST_WEIGHT per interval until exchangeInfo says otherwise. */
  limit: number;
  intervalMs?: number;
  /**
   * Share of the limit this client allows itself. The server counts every client on the IP and
   * reports it in the used-weight header; staying below the full limit leaves room for them and for
   * clock skew at the window edge.
   */
  maxShare?: number;
  now?: () => number;
}

export interface BudgetSnapshot {
  used: number;
  limit: number;
  windowStart: number;
  intervalMs: number;
  blockedUntil: number;
  bannedUntil: number;
}

/** Margin past the window edge before spending again, for clock skew between us and Binance. */
const EDGE_MARGIN_MS = 250;

/**
 * The REQUEST_WEIGHT budget of one product. Binance counts weight in fixed, clock-aligned windows
 * (BINANCE_API.md §4.1); this mirrors that count, spending each request's documented weight before
 * it is sent, raising it to the server's used-weight header when the server knows more, and making
 * callers wait for the next window instead of exceeding the limit. A 429 holds every call until
 * Retry-After; a 418 makes every call fail at once until the ban ends.
 */
export class WeightBudget {
  readonly product: Product;
  private limit: number;
  private intervalMs: number;
  private readonly maxShare: number;
  private readonly now: () => number;
  private used = 0;
  private windowStart = 0;
  private blockedUntil = 0;
  private bannedUntil = 0;
  /** Total time callers spent waiting for weight: the poller reads it to stretch its cadence. */
  waitedMs = 0;

  constructor(options: WeightBudgetOptions) {
    this.product = options.product;
    this.limit = options.limit;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.maxShare = options.maxShare ?? 0.9;
    this.now = options.now ?? Date.now;
  }

  /** Adopts the REQUEST_WEIGHT limit the server publishes in exchangeInfo. */
  applyRateLimits(rateLimits: readonly RateLimit[]): void {
    const weight = rateLimits.find((r) => r.rateLimitType === 'REQUEST_WEIGHT');
    if (weight === undefined) return;
    const unitMs = weight.interval === 'SECOND' ? 1000 : weight.interval === 'MINUTE' ? 60_000 : 86_400_000;
    this.limit = weight.limit;
    this.intervalMs = unitMs * weight.intervalNum;
  }

  private roll(now: number): void {
    const start = now - (now % this.intervalMs);
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
  }

  /** Spendable weight per window: the ceiling the client holds itself to. */
  get capacity(): number {
    return Math.floor(this.limit * this.maxShare);
  }

  /** Waits until `weight` fits in the current window, then spends it. */
  async spend(weight: number, endpoint: string, signal?: AbortSignal): Promise<void> {
    if (weight > this.capacity) {
      throw new Error(
        `binance ${this.product} ${endpoint}: weight ${weight} exceeds the budget of ${this.capacity} per window`,
      );
    }
    for (;;) {
      const now = this.now();
      if (this.bannedUntil > now) throw new BannedError(this.product, endpoint, this.bannedUntil);
      if (this.blockedUntil > now) {
        await this.wait(this.blockedUntil - now, signal);
        continue;
      }
      this.roll(now);
      if (this.used + weight <= this.capacity) {
        this.used += weight;
        return;
      }
      await this.wait(this.windowStart + this.intervalMs + EDGE_MARGIN_MS - now, signal);
    }
  }

  private async wait(ms: number, signal?: AbortSignal): Promise<void> {
    const delay = Math.max(1, ms);
    this.waitedMs += delay;
    await sleep(delay, undefined, signal === undefined ? undefined : { signal });
  }

  /** The server's count for the window the response was sent in (header X-MBX-USED-WEIGHT-1M). */
  observeUsed(serverUsed: number, at: number = this.now()): void {
    this.roll(at);
    if (serverUsed > this.used) this.used = serverUsed;
  }

  /** 429: hold every call until the server's Retry-After has passed. */
  holdFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
  }

  /** 418: no calls at all until `until`. */
  ban(until: number): void {
    this.bannedUntil = Math.max(this.bannedUntil, until);
  }

  isBanned(): boolean {
    return this.bannedUntil > this.now();
  }

  /** Share of the limit used in the current window, 0..1+. */
  usedShare(): number {
    this.roll(this.now());
    return this.used / this.limit;
  }

  snapshot(): BudgetSnapshot {
    this.roll(this.now());
    return {
      used: this.used,
      limit: this.limit,
      windowStart: this.windowStart,
      intervalMs: this.intervalMs,
      blockedUntil: this.blockedUntil,
      bannedUntil: this.bannedUntil,
    };
  }
}

import { EventEmitter, once } from 'node:events';
import { setTimeout as timersSleep } from 'node:timers/promises';
import type { RateLimit } from '../checked';
import { BannedError } from './errors';
import type { Product } from './products';
import { headerShowsRoom, SendGate, type GateTicket } from './send-gate';

/** Waits `ms`; rejects when `signal` aborts. Injected in tests to run windows on a model clock. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const realSleep: Sleep = async (ms, signal) => {
  await timersSleep(ms, undefined, signal === undefined ? undefined : { signal });
};

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
  /**
   * How long an answer whose used-weight header showed room lets requests overlap (SendGate).
   * Past it, the next request goes out alone first: another client on the IP may have spent the
   * window since. Default 2000 ms: a loop polling every second keeps its concurrency.
   */
  trustMs?: number;
  now?: () => number;
  sleep?: Sleep;
}

/**
 * One request let out by `spend`. Hand it the answer's used-weight header (`observe`), apply any
 * 429 hold or 418 ban, then `release` it — always, also when the request failed: while the gate is
 * serial the next request waits for it.
 */
export interface Permit {
  /** The clock when it was let out. */
  readonly sentAt: number;
  /** Sent while the gate was serial: nothing else of this budget was in flight. */
  readonly alone: boolean;
  observe(serverUsed: number): void;
  release(): void;
}

export interface BudgetSnapshot {
  used: number;
  limit: number;
  windowStart: number;
  intervalMs: number;
  blockedUntil: number;
  bannedUntil: number;
  /** Requests go out one at a time (SendGate). */
  serial: boolean;
  inFlight: number;
}

/** Margin past the window edge before spending again, for clock skew between us and Binance. */
const EDGE_MARGIN_MS = 250;

/**
 * The REQUEST_WEIGHT budget of one product. Binance counts weight in fixed, clock-aligned windows
 * (BINANCE_API.md §4.1); this mirrors that count, spending each request's documented weight before
 * it is sent, raising it to the server's used-weight header when the server knows more, and making
 * callers wait for the next window instead of exceeding the limit. A 429 holds every call until
 * Retry-After; a 418 makes every call fail at once until the ban ends. Whether requests may overlap
 * is the SendGate's call: one at a time until an answer shows room, so a window another client on
 * the IP has used up costs one 429, not one per request in flight (which is what earns a 418).
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
  private readonly gate: SendGate;
  private readonly sleep: Sleep;
  /** Emits 'release' when a permit is released: serial waiters look again. */
  private readonly released = new EventEmitter().setMaxListeners(0);
  /** Total time callers spent waiting for weight (holds and full windows, not the serial queue). */
  waitedMs = 0;

  constructor(options: WeightBudgetOptions) {
    this.product = options.product;
    this.limit = options.limit;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.maxShare = options.maxShare ?? 0.9;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.gate = new SendGate(options.trustMs ?? 2_000);
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

  /**
   * A header within this much of the ceiling is "near the limit" (and a server count this far ahead
   * of ours is someone else spending): 10% of the ceiling.
   */
  private get margin(): number {
    return Math.max(1, Math.ceil(this.capacity * 0.1));
  }

  /**
   * Waits until `weight` fits in the current window and the gate lets a request out, then spends
   * it. Never returns while a 429 hold runs; while the gate is serial, only once nothing else is in
   * flight. Release the permit when the request is over.
   */
  async spend(weight: number, endpoint: string, signal?: AbortSignal): Promise<Permit> {
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
      if (!this.gate.mayStart(now)) {
        await once(this.released, 'release', signal === undefined ? {} : { signal });
        continue;
      }
      if (this.used + weight <= this.capacity) {
        this.used += weight;
        return this.permit(this.gate.start(now), now);
      }
      await this.wait(this.windowStart + this.intervalMs + EDGE_MARGIN_MS - now, signal);
    }
  }

  private permit(ticket: GateTicket, sentAt: number): Permit {
    let released = false;
    return {
      sentAt,
      alone: ticket.alone,
      observe: (serverUsed) => {
        const now = this.now();
        this.roll(now);
        const ours = this.used;
        this.observeUsed(serverUsed, now);
        // An answer to a request sent in an earlier window counts that window: it says nothing
        // about this one's room.
        if (sentAt - (sentAt % this.intervalMs) !== this.windowStart) return;
        if (headerShowsRoom(serverUsed, ours, this.capacity, this.margin))
          this.gate.room(ticket, now, this.windowStart + this.intervalMs);
        else this.gate.distrust();
      },
      release: () => {
        if (released) return;
        released = true;
        this.gate.finish();
        this.released.emit('release');
      },
    };
  }

  private async wait(ms: number, signal?: AbortSignal): Promise<void> {
    const delay = Math.max(1, ms);
    this.waitedMs += delay;
    await this.sleep(delay, signal);
  }

  /** The server's count for the window the response was sent in (header X-MBX-USED-WEIGHT-1M). */
  observeUsed(serverUsed: number, at: number = this.now()): void {
    this.roll(at);
    if (serverUsed > this.used) this.used = serverUsed;
  }

  /** 429: hold every call until the server's Retry-After has passed, then send one at a time. */
  holdFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
    this.gate.distrust();
  }

  /** 418: no calls at all until `until`, then one at a time. */
  ban(until: number): void {
    this.bannedUntil = Math.max(this.bannedUntil, until);
    this.gate.distrust();
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
    const now = this.now();
    this.roll(now);
    return {
      ...this.gate.snapshot(now),
      used: this.used,
      limit: this.limit,
      windowStart: this.windowStart,
      intervalMs: this.intervalMs,
      blockedUntil: this.blockedUntil,
      bannedUntil: this.bannedUntil,
    };
  }
}

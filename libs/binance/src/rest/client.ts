import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@marketpipe/runtime';
import CircuitBreaker from 'opossum';
import type { Registry } from 'prom-client';
import { Agent, request, type Dispatcher } from 'undici';
import type { RateLimit } from '../checked';
import { backoffDelay, type BackoffOptions } from './backoff';
import {
  BannedError,
  BinanceError,
  BinanceHttpError,
  BodyError,
  BreakerOpenError,
  RateLimitedError,
  TransportError,
} from './errors';
import { binanceMetrics, type BinanceMetrics } from './metrics';
import { API_PREFIX, DEFAULT_WEIGHT_LIMIT, type Product } from './products';
import { WeightBudget, type Permit, type Sleep } from './weight-budget';
import { requestWeight, type Params } from './weights';

export interface BreakerOptions {
  /** Share of failed calls in the rolling window that opens the breaker. */
  errorThresholdPercentage: number;
  /** Calls in the window before the breaker may open at all. */
  volumeThreshold: number;
  /** Open → half-open after this long; one probe then decides (no call for as long again → closed). */
  resetTimeoutMs: number;
  rollingWindowMs: number;
}

export interface BinanceClientOptions {
  product: Product;
  baseUrl: string;
  logger: Logger;
  metrics: Registry;
  timeoutMs?: number;
  /** Retries of a retriable failure (timeouts, connection errors, 5xx) of one GET. */
  retries?: number;
  backoff?: BackoffOptions;
  breaker?: Partial<BreakerOptions>;
  /** Share of the REQUEST_WEIGHT limit this client allows itself. */
  maxWeightShare?: number;
  /** Ban length when a 418 carries neither Retry-After nor an end time (Binance starts at 2 min). */
  defaultBanMs?: number;
  dispatcher?: Dispatcher;
  now?: () => number;
  /** Waits of the weight budget and of retry backoff (tests run them on a model clock). */
  sleep?: Sleep;
  random?: () => number;
}

const DEFAULT_BREAKER: BreakerOptions = {
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 5_000,
  rollingWindowMs: 10_000,
};

/** USD-M endpoints whose used-weight header Binance documents as wrong (BINANCE_API.md §4.2). */
const UNRELIABLE_WEIGHT_HEADER = new Set(['futures:ticker/bookTicker']);

function queryString(params: Params): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    // Spot's `symbols` is one JSON array parameter; JSON.stringify writes it without spaces, as
    // Binance's parameter regex requires.
    const text = Array.isArray(value) ? JSON.stringify(value) : String(value);
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `{code, msg}` of a Binance error body, or the start of whatever else it was. */
function errorBody(text: string): { code: number | null; msg: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'msg' in parsed) {
      const code = 'code' in parsed && typeof parsed.code === 'number' ? parsed.code : null;
      return { code, msg: String(parsed.msg) };
    }
  } catch {
    // not JSON: a proxy or CDN page
  }
  return { code: null, msg: `non-JSON body: ${text.slice(0, 80).replace(/\s+/g, ' ')}` };
}

/**
 * One Binance product's REST access: every GET spends its documented weight from the product's
 * budget first, goes through the circuit breaker of its endpoint family, has a timeout, and is
 * retried with jittered backoff when the failure says the endpoint (not the request) was at fault.
 * Returns the parsed JSON; checking its content is the mappers' job.
 */
export class BinanceRestClient {
  readonly product: Product;
  readonly budget: WeightBudget;
  private readonly base: string;
  private readonly logger: Logger;
  private readonly metrics: BinanceMetrics;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoff: BackoffOptions;
  private readonly breakerOptions: BreakerOptions;
  private readonly breakers = new Map<string, CircuitBreaker<[() => Promise<unknown>], unknown>>();
  /** Per family: closes a half-open breaker nobody calls (see breaker()). */
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly defaultBanMs: number;
  private readonly now: () => number;
  private readonly sleep: Sleep | undefined;
  private readonly random: () => number;

  constructor(options: BinanceClientOptions) {
    this.product = options.product;
    this.base = `${options.baseUrl.replace(/\/$/, '')}${API_PREFIX[options.product]}/`;
    this.logger = options.logger.child({ component: 'binance', product: options.product });
    this.metrics = binanceMetrics(options.metrics);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.retries = options.retries ?? 2;
    this.backoff = options.backoff ?? { baseMs: 200, maxMs: 3_000 };
    this.breakerOptions = { ...DEFAULT_BREAKER, ...options.breaker };
    this.defaultBanMs = options.defaultBanMs ?? 120_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep;
    this.random = options.random ?? Math.random;
    this.budget = new WeightBudget({
      product: options.product,
      limit: DEFAULT_WEIGHT_LIMIT[options.product],
      now: this.now,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.maxWeightShare === undefined ? {} : { maxShare: options.maxWeightShare }),
    });
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 8 });
    this.metrics.weightLimit.set({ product: this.product }, this.budget.snapshot().limit);
    this.metrics.budgets.set(this.product, this.budget);
  }

  /** Adopts the limits the product publishes in its exchangeInfo. */
  applyRateLimits(rateLimits: readonly RateLimit[]): void {
    this.budget.applyRateLimits(rateLimits);
    this.metrics.weightLimit.set({ product: this.product }, this.budget.snapshot().limit);
  }

  /** Counts response elements the mappers rejected, so bad payloads show in /metrics. */
  countRejected(endpoint: string, count: number): void {
    if (count > 0) this.metrics.rejected.inc({ product: this.product, endpoint }, count);
  }

  async get(endpoint: string, params: Params = {}, signal?: AbortSignal): Promise<unknown> {
    const weight = requestWeight(this.product, endpoint, params);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(endpoint, params, weight, signal);
      } catch (err) {
        if (!(err instanceof BinanceError) || !err.retriable || attempt >= this.retries || signal?.aborted === true)
          throw err;
        this.metrics.retries.inc({ product: this.product, endpoint });
        const delay = backoffDelay(attempt, this.backoff, this.random);
        if (this.sleep !== undefined) await this.sleep(delay, signal);
        else await sleep(delay, undefined, signal === undefined ? undefined : { signal });
      }
    }
  }

  private breaker(endpoint: string): CircuitBreaker<[() => Promise<unknown>], unknown> {
    let breaker = this.breakers.get(endpoint);
    if (breaker !== undefined) return breaker;
    const o = this.breakerOptions;
    breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
      timeout: false, // the request carries its own timeout
      errorThresholdPercentage: o.errorThresholdPercentage,
      volumeThreshold: o.volumeThreshold,
      resetTimeout: o.resetTimeoutMs,
      rollingCountTimeout: o.rollingWindowMs,
      // Only failures that say something about the endpoint's health count toward opening.
      errorFilter: (err: unknown) => !(err instanceof BinanceError && err.countsAgainstBreaker),
    });
    const labels = { product: this.product, family: endpoint };
    let idleClose = false;
    const transition = (to: 'open' | 'half_open' | 'closed', value: number): void => {
      this.metrics.breakerState.set(labels, value);
      this.metrics.breakerTransitions.inc({ ...labels, to });
      const log = to === 'closed' ? this.logger.info.bind(this.logger) : this.logger.warn.bind(this.logger);
      const idle = to === 'closed' && idleClose;
      idleClose = false;
      log(
        { endpoint, breaker: to, ...(idle ? { idle: true } : {}) },
        `circuit breaker ${to.replace('_', '-')}${idle ? ' (idle: no call since it turned half-open)' : ''}`,
      );
    };
    // Half-open means "the next call is the probe that decides". When no call comes (the family
    // is not polled any more: streams carry the data, or the capture switched between per-symbol
    // and all-symbol requests), opossum stays half-open for good and the gauge shows a breaker
    // waiting on a probe forever, which reads as trouble nobody can find. After one more reset
    // period without a call, the failures that opened it are old news: it is closed (logged as
    // idle, counted as a transition, gauge 0), as a breaker that has seen no recent failure would
    // be. A call in the meantime is the probe and decides as usual.
    breaker.on('halfOpen', () => {
      clearTimeout(this.idleTimers.get(endpoint));
      const timer = setTimeout(() => {
        this.idleTimers.delete(endpoint);
        if (!breaker.halfOpen) return;
        idleClose = true;
        breaker.close();
      }, o.resetTimeoutMs);
      timer.unref();
      this.idleTimers.set(endpoint, timer);
    });
    breaker.on('fire', () => {
      clearTimeout(this.idleTimers.get(endpoint));
      this.idleTimers.delete(endpoint);
    });
    breaker.on('open', () => transition('open', 2));
    breaker.on('halfOpen', () => transition('half_open', 1));
    breaker.on('close', () => transition('closed', 0));
    this.metrics.breakerState.set(labels, 0);
    this.breakers.set(endpoint, breaker);
    return breaker;
  }

  private async attempt(endpoint: string, params: Params, weight: number, signal?: AbortSignal): Promise<unknown> {
    const breaker = this.breaker(endpoint);
    if (breaker.opened) {
      this.metrics.requests.inc({ product: this.product, endpoint, outcome: 'breaker_open' });
      throw new BreakerOpenError(this.product, endpoint);
    }
    let permit: Permit;
    try {
      permit = await this.budget.spend(weight, endpoint, signal);
    } catch (err) {
      if (err instanceof BannedError) this.metrics.requests.inc({ product: this.product, endpoint, outcome: 'banned' });
      throw err;
    }
    try {
      return await breaker.fire(() => this.send(endpoint, params, permit, signal));
    } catch (err) {
      if (err instanceof Error && (err as { code?: string }).code === 'EOPENBREAKER') {
        this.metrics.requests.inc({ product: this.product, endpoint, outcome: 'breaker_open' });
        throw new BreakerOpenError(this.product, endpoint);
      }
      throw err;
    } finally {
      // After send() applied the answer's header and any 429 hold or 418 ban, so the requests
      // queued behind this one see them.
      permit.release();
    }
  }

  private async send(endpoint: string, params: Params, permit: Permit, signal?: AbortSignal): Promise<unknown> {
    const url = `${this.base}${endpoint}${queryString(params)}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const started = performance.now();
    const outcome = (value: string): void =>
      void this.metrics.requests.inc({ product: this.product, endpoint, outcome: value });
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await request(url, {
        method: 'GET',
        dispatcher: this.dispatcher,
        signal: combined,
        headers: { accept: 'application/json' },
      });
      status = res.statusCode;
      headers = res.headers;
      text = await res.body.text();
    } catch (err) {
      if (signal?.aborted === true) throw err; // shutdown, not an endpoint failure
      if (timeout.aborted) {
        outcome('timeout');
        throw new TransportError(this.product, endpoint, `no complete response within ${this.timeoutMs} ms`, err);
      }
      outcome('connection');
      const code = (err as { code?: string }).code ?? (err as Error).message;
      throw new TransportError(this.product, endpoint, `connection failed (${code})`, err);
    }
    this.observeWeight(endpoint, headers, permit);
    if (status === 200) {
      try {
        const parsed: unknown = JSON.parse(text);
        outcome('ok');
        this.metrics.duration.observe({ product: this.product, endpoint }, (performance.now() - started) / 1000);
        return parsed;
      } catch {
        outcome('body');
        throw new BodyError(
          this.product,
          endpoint,
          `200 with a body that is not JSON (${text.length} bytes: ${text.slice(0, 60).replace(/\s+/g, ' ')})`,
        );
      }
    }
    outcome(`http_${status}`);
    const retryAfter = Number(header(headers, 'retry-after'));
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined;
    const body = errorBody(text);
    if (status === 429) {
      const snap = this.budget.snapshot();
      const wait = retryAfterMs ?? snap.windowStart + snap.intervalMs - this.now();
      this.budget.holdFor(wait);
      this.logger.warn(
        { endpoint, retryAfterMs: wait, msg429: body.msg },
        'rate limited by Binance (429): holding all requests',
      );
      throw new RateLimitedError(this.product, endpoint, wait);
    }
    if (status === 418) {
      const fromMsg = /banned until (\d{12,})/.exec(body.msg)?.[1];
      const until =
        retryAfterMs !== undefined
          ? this.now() + retryAfterMs
          : fromMsg !== undefined
            ? Number(fromMsg)
            : this.now() + this.defaultBanMs;
      this.budget.ban(until);
      this.metrics.banned.set({ product: this.product }, 1);
      setTimeout(() => this.metrics.banned.set({ product: this.product }, 0), Math.max(0, until - this.now())).unref();
      this.logger.error(
        { endpoint, bannedUntil: new Date(until).toISOString(), code: body.code, binanceMsg: body.msg },
        `IP BANNED by Binance ${this.product} (418): every ${this.product} request stops until the ban ends`,
      );
      throw new BannedError(this.product, endpoint, until);
    }
    throw new BinanceHttpError(this.product, endpoint, status, body.code, body.msg);
  }

  private observeWeight(
    endpoint: string,
    headers: Record<string, string | string[] | undefined>,
    permit: Permit,
  ): void {
    // An answer without a (trustworthy) header proves no room: a serial gate stays serial.
    if (UNRELIABLE_WEIGHT_HEADER.has(`${this.product}:${endpoint}`)) return;
    const used = Number(header(headers, 'x-mbx-used-weight-1m') ?? header(headers, 'x-mbx-used-weight'));
    if (Number.isFinite(used) && used >= 0) permit.observe(used);
  }

  /** State of each endpoint family's breaker, for readiness and tests. */
  breakerStates(): Record<string, 'closed' | 'open' | 'half-open'> {
    const out: Record<string, 'closed' | 'open' | 'half-open'> = {};
    for (const [family, b] of this.breakers) out[family] = b.opened ? 'open' : b.halfOpen ? 'half-open' : 'closed';
    return out;
  }

  async close(): Promise<void> {
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    for (const b of this.breakers.values()) b.shutdown();
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

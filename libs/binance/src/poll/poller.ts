import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@marketpipe/runtime';
import { BannedError, BinanceError, BreakerOpenError } from '../rest/errors';
import type { WeightBudget } from '../rest/weight-budget';
import { budgetedIntervalMs } from './cadence';

export interface PollerOptions {
  name: string;
  /** The cadence asked for (the original plan's: 1000 ms spot/futures, 2000 ms options). */
  intervalMs: number;
  /** One poll: fetch, map, publish. Errors are logged and counted; the loop goes on. */
  run: (signal: AbortSignal) => Promise<void>;
  logger: Logger;
  budget?: WeightBudget;
  /** Weight one run spends, to derive the slowest cadence the budget allows. */
  weightPerRun?: () => number;
  /** Share of the product's budget this loop may use (several loops share one budget). */
  budgetShare?: number;
  onError?: (err: unknown) => void;
}

/**
 * A polling loop on chained timeouts: the next poll is scheduled only after the previous one
 * settled, never overlapping. The interval stretches to what the weight budget allows (and back),
 * and during an IP ban the loop sleeps until the ban ends instead of failing every tick.
 */
export class Poller {
  private currentIntervalMs: number;
  private runs = 0;
  private failures = 0;
  private loop: Promise<void> | undefined;
  private readonly controller = new AbortController();

  constructor(private readonly options: PollerOptions) {
    this.currentIntervalMs = options.intervalMs;
  }

  /** The cadence the loop currently keeps, ms. */
  get intervalMs(): number {
    return this.currentIntervalMs;
  }

  stats(): { runs: number; failures: number; intervalMs: number } {
    return { runs: this.runs, failures: this.failures, intervalMs: this.currentIntervalMs };
  }

  start(parent?: AbortSignal): void {
    if (this.loop !== undefined) return;
    if (parent !== undefined) parent.addEventListener('abort', () => this.controller.abort(), { once: true });
    this.loop = this.runLoop();
  }

  private plannedInterval(): number {
    const { budget, weightPerRun, intervalMs, budgetShare } = this.options;
    if (budget === undefined || weightPerRun === undefined) return intervalMs;
    const snap = budget.snapshot();
    return budgetedIntervalMs(intervalMs, weightPerRun(), snap.limit, snap.intervalMs, budgetShare ?? 0.8);
  }

  private async runLoop(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      const started = Date.now();
      let delay: number;
      try {
        await this.options.run(signal);
        this.runs++;
        this.currentIntervalMs = this.plannedInterval();
        delay = this.currentIntervalMs - (Date.now() - started);
      } catch (err) {
        if (signal.aborted) break;
        this.failures++;
        this.options.onError?.(err);
        delay = this.delayAfter(err) - (Date.now() - started);
      }
      try {
        await sleep(Math.max(0, delay), undefined, { signal });
      } catch {
        break; // aborted
      }
    }
  }

  private delayAfter(err: unknown): number {
    const { logger, name } = this.options;
    if (err instanceof BannedError) {
      // Loud once per ban window; the client already logged the 418 itself.
      logger.error({ poller: name, until: new Date(err.until).toISOString() }, 'polling paused: Binance IP ban');
      return Math.max(this.currentIntervalMs, err.until - Date.now());
    }
    if (err instanceof BreakerOpenError) {
      logger.debug({ poller: name }, 'poll skipped: circuit breaker open');
    } else if (err instanceof BinanceError) {
      logger.warn({ poller: name, err: err.message }, 'poll failed');
    } else {
      logger.error({ poller: name, err }, 'poll failed');
    }
    return this.currentIntervalMs;
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }
}

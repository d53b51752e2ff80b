import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@marketpipe/runtime';
import { backoffDelay } from '../rest/backoff';

/**
 * Runs `task` until it succeeds, with capped, jittered backoff between attempts — for start-up
 * steps (exchangeInfo) without which a capture cannot begin, whatever Binance is doing.
 */
export async function retryUntilDone(
  what: string,
  task: () => Promise<void>,
  signal: AbortSignal,
  logger: Logger,
  onFailure?: (message: string) => void,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await task();
      return;
    } catch (err) {
      if (signal.aborted) throw err;
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ err: message, attempt }, `${what} failed; retrying`);
      onFailure?.(message);
      await sleep(backoffDelay(attempt, { baseMs: 1_000, maxMs: 30_000 }), undefined, { signal });
    }
  }
}

/**
 * Runs jobs with at most `concurrency` in flight (per-symbol requests), collecting failures instead
 * of stopping at the first: one symbol's failed request must not starve the others.
 */
export async function runConcurrently(
  jobs: readonly (() => Promise<void>)[],
  concurrency: number,
  signal: AbortSignal,
): Promise<unknown[]> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal.aborted) {
      const job = jobs[next++] as () => Promise<void>;
      try {
        await job();
      } catch (err) {
        failures.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return failures;
}

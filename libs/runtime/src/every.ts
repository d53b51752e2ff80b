import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger';

/**
 * Runs `tick` every `intervalMs` on chained timeouts: a tick that overruns delays the next one
 * instead of overlapping it. A failing tick is logged and the loop goes on. Resolves when `signal`
 * aborts.
 */
export async function every(
  intervalMs: number,
  tick: () => Promise<void> | void,
  signal: AbortSignal,
  logger: Logger,
  name: string,
): Promise<void> {
  while (!signal.aborted) {
    const started = performance.now();
    try {
      await tick();
    } catch (err) {
      logger.error({ err, loop: name }, 'tick failed');
    }
    try {
      await sleep(Math.max(0, intervalMs - (performance.now() - started)), undefined, { signal });
    } catch {
      return;
    }
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger';

/** A running `every` loop: stop() ends it (idempotent) and resolves once the current tick is done. */
export interface Loop {
  stop(): Promise<void>;
}

/**
 * Runs `tick` every `intervalMs` on chained timeouts: a tick that overruns delays the next one
 * instead of overlapping it. A failing tick is logged and the loop goes on. Ends when `signal`
 * aborts or when stop() is called, whichever comes first.
 */
export function every(
  intervalMs: number,
  tick: () => Promise<void> | void,
  signal: AbortSignal,
  logger: Logger,
  name: string,
): Loop {
  const controller = new AbortController();
  const stopSignal = AbortSignal.any([signal, controller.signal]);
  const done = (async () => {
    while (!stopSignal.aborted) {
      const started = performance.now();
      try {
        await tick();
      } catch (err) {
        logger.error({ err, loop: name }, 'tick failed');
      }
      try {
        await sleep(Math.max(0, intervalMs - (performance.now() - started)), undefined, { signal: stopSignal });
      } catch {
        return;
      }
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

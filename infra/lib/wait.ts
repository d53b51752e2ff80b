// Polls a probe until a freshly started (or still starting) daemon answers.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Probe } from './probe.ts';
import { isAlive, tail } from './proc.ts';
import type { Detached } from './proc.ts';

export interface WaitTarget<T> {
  name: string;
  address: string;
  probe: () => Promise<Probe<T>>;
  timeoutMs: number;
  logFile: string;
  /** The daemon: a child we just spawned, or the pid of one a previous run started. */
  process?: Detached | number;
}

export async function waitUntilReady<T>(target: WaitTarget<T>): Promise<T> {
  const deadline = Date.now() + target.timeoutMs;
  for (;;) {
    const result = await target.probe();
    if (result.state === 'ok') return result.value;
    const last = result.state === 'closed' ? 'connection refused' : result.detail;
    const died = deathOf(target.process);
    if (died !== undefined) {
      throw new Error(
        `${target.name} ${died} before answering on ${target.address}; see ${target.logFile}\n${tail(target.logFile)}`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${target.name} did not answer on ${target.address} within ${target.timeoutMs / 1000} s (last: ${last}); ` +
          `see ${target.logFile}\n${tail(target.logFile)}`,
      );
    }
    await sleep(250);
  }
}

function deathOf(proc: Detached | number | undefined): string | undefined {
  if (proc === undefined) return undefined;
  if (typeof proc === 'number') return isAlive(proc) ? undefined : `(pid ${proc}) exited`;
  if (proc.exit === undefined) return undefined;
  return proc.exit.signal !== null ? `was killed by ${proc.exit.signal}` : `exited with code ${proc.exit.code ?? '?'}`;
}

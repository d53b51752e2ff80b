// Cross-process mutex for `up`: several jest runs (e.g. `pnpm -r test` runs packages in
// parallel, each with a globalSetup) must not race to format and start the same broker.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './proc.ts';

export async function withLock<T>(
  file: string,
  timeoutMs: number,
  log: (message: string) => void,
  body: () => Promise<T>,
): Promise<T> {
  await acquire(file, timeoutMs, log);
  try {
    return await body();
  } finally {
    rmSync(file, { force: true });
  }
}

async function acquire(file: string, timeoutMs: number, log: (message: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    if (tryCreate(file)) return;
    const holder = lockHolder(file);
    // A holder that died (Ctrl-C, OOM) leaves the file behind; it must not block forever.
    if (holder === undefined || !isAlive(holder)) {
      rmSync(file, { force: true });
      continue;
    }
    if (!announced) {
      log(`waiting for another infra:up (pid ${holder}) to finish`);
      announced = true;
    }
    if (Date.now() >= deadline)
      throw new Error(`infra:up lock ${file} still held by pid ${holder} after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** link() publishes the file with its pid already inside, so no reader ever sees it empty. */
function tryCreate(file: string): boolean {
  const draft = `${file}.${process.pid}`;
  writeFileSync(draft, `${process.pid}\n`);
  try {
    linkSync(draft, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(draft, { force: true });
  }
}

function lockHolder(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

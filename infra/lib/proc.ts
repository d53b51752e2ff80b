// Pid files and detached processes. A pid file alone proves nothing (pids are reused), so
// every decision to wait on or kill a process first checks its command line.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export type PidState =
  | { state: 'none' }
  | { state: 'dead'; pid: number }
  | { state: 'foreign'; pid: number }
  | { state: 'ours'; pid: number };

/** Decides from a live process's argv (and pid, for /proc look-ups) whether it is the service this pid file belongs to. */
export type Ownership = (argv: readonly string[], pid: number) => boolean;

export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePid(file: string, pid: number): void {
  writeFileSync(file, `${pid}\n`);
}

export function removeFile(file: string): void {
  rmSync(file, { force: true });
}

/** argv from /proc, or undefined once the process is gone. */
export function processArgv(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((s) => s !== '');
  } catch {
    return undefined;
  }
}

/** Working directory of a process (readable for our own user's processes), or undefined. */
export function processCwd(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/**
 * Alive and not a zombie. In containers pid 1 often never reaps, so a killed daemon can linger
 * as a zombie that kill(pid, 0) still reports as existing.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export function pidState(file: string, owned: Ownership): PidState {
  const pid = readPid(file);
  if (pid === undefined) return { state: 'none' };
  if (!isAlive(pid)) return { state: 'dead', pid };
  const argv = processArgv(pid);
  return argv !== undefined && owned(argv, pid) ? { state: 'ours', pid } : { state: 'foreign', pid };
}

export interface Detached {
  pid: number;
  /** Set once the process exits; startup waits poll it to fail fast instead of timing out. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/**
 * Starts a daemon that outlives this script: own session (detached), stdout+stderr appended to
 * logFile, and unref'd so neither the CLI nor a jest globalSetup waits for it.
 */
export function spawnDetached(command: string, args: readonly string[], cwd: string, logFile: string): Detached {
  rotateLog(logFile);
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
    const handle: Detached = { pid: child.pid ?? -1, exit: undefined };
    child.on('exit', (code, signal) => {
      handle.exit = { code, signal };
    });
    child.on('error', (err) => {
      handle.exit = { code: null, signal: null };
      appendLine(logFile, `failed to start ${command}: ${err.message}`);
    });
    child.unref();
    return handle;
  } finally {
    closeSync(fd);
  }
}

/** Keeps the previous run's log as <file>.1 so a restart does not erase the evidence. */
function rotateLog(file: string): void {
  if (existsSync(file)) renameSync(file, `${file}.1`);
}

function appendLine(file: string, line: string): void {
  try {
    writeFileSync(file, `${line}\n`, { flag: 'a' });
  } catch {
    // The error is reported through Detached.exit anyway.
  }
}

/** SIGTERM, then SIGKILL after graceMs. Resolves true if the process is gone afterwards. */
export async function stopProcess(pid: number, graceMs: number): Promise<boolean> {
  if (!signal(pid, 'SIGTERM')) return true;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  signal(pid, 'SIGKILL');
  for (let i = 0; i < 25 && isAlive(pid); i++) await sleep(200);
  return !isAlive(pid);
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Last lines of a log, for error messages that must be actionable from a CI transcript. */
export function tail(file: string, lines = 25): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

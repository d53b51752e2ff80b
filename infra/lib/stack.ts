// The distributed mode on one machine without Docker: the seven services as separate processes
// (and the Binance simulator with --sim) on top of infra:up's Kafka, registry and Redis.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, processArgv, readPid, removeFile, stopProcess, tail, writePid } from './proc.ts';

export const STACK_SERVICES = [
  'capture-spot',
  'capture-futures',
  'capture-options',
  'quantum',
  'psych',
  'srona',
  'consolidator',
] as const;

export type StackService = (typeof STACK_SERVICES)[number];

export interface StackOptions {
  root: string;
  env: Record<string, string>;
  sim: boolean;
  universe: 'default' | 'full';
  /** First ops port; services take consecutive ones, the simulator the one before. */
  basePort: number;
  /** Which services to run (default: all seven); a bench of the captures alone needs three. */
  services?: readonly StackService[];
  log: (line: string) => void;
}

export interface StackProcess {
  name: string;
  pid: number;
  url: string;
  logFile: string;
}

function paths(root: string) {
  return { run: join(root, '.infra', 'run'), logs: join(root, '.infra', 'logs') };
}

function start(
  name: string,
  args: string[],
  env: Record<string, string>,
  root: string,
): { pid: number; logFile: string } {
  const { run, logs } = paths(root);
  mkdirSync(run, { recursive: true });
  mkdirSync(logs, { recursive: true });
  const logFile = join(logs, `${name}.log`);
  if (existsSync(logFile)) renameSync(logFile, `${logFile}.1`);
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(process.execPath, args, {
      cwd: root,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env },
    });
    child.unref();
    const pid = child.pid ?? -1;
    writePid(join(run, `stack-${name}.pid`), pid);
    return { pid, logFile };
  } finally {
    closeSync(fd);
  }
}

async function waitHttp(name: string, url: string, pid: number, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`${name} exited before becoming ready; see ${logFile}\n${tail(logFile)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(
    `${name} not ready at ${url} within ${timeoutMs / 1000} s (last: ${last}); see ${logFile}\n${tail(logFile)}`,
  );
}

/** Starts the simulator (optional) and the seven services, and waits until every /readyz answers 200. */
export async function stackUp(o: StackOptions): Promise<StackProcess[]> {
  const out: StackProcess[] = [];
  const env: Record<string, string> = {
    ...o.env,
    OPS_HOST: '127.0.0.1',
    KAFKA_TOPIC_PARTITIONS: o.env['KAFKA_TOPIC_PARTITIONS'] ?? '3',
  };
  if (o.sim) {
    const port = o.basePort - 1;
    const url = `http://127.0.0.1:${port}`;
    const { pid, logFile } = start(
      'binance-sim',
      [join(o.root, 'libs/binance-sim/dist/cli.js'), '--port', String(port), '--universe', o.universe],
      {},
      o.root,
    );
    await waitHttp('binance-sim', `${url}/api/v3/ping`, pid, logFile, 60_000);
    env['BINANCE_SPOT_URL'] = env['BINANCE_FUTURES_URL'] = env['BINANCE_OPTIONS_URL'] = url;
    // The simulator serves the WebSocket streams on the same port.
    const wsUrl = url.replace(/^http/, 'ws');
    env['BINANCE_SPOT_WS_URL'] = env['BINANCE_FUTURES_WS_URL'] = env['BINANCE_OPTIONS_WS_URL'] = wsUrl;
    out.push({ name: 'binance-sim', pid, url, logFile });
    o.log(`binance-sim on ${url}`);
  }
  const wanted = o.services ?? STACK_SERVICES;
  const started = STACK_SERVICES.flatMap((name, i) => {
    if (!wanted.includes(name)) return [];
    const port = o.basePort + i;
    const { pid, logFile } = start(
      name,
      [join(o.root, 'services', name, 'dist', 'main.js')],
      { ...env, OPS_PORT: String(port) },
      o.root,
    );
    return [{ name, pid, url: `http://127.0.0.1:${port}`, logFile }];
  });
  await Promise.all(started.map((s) => waitHttp(s.name, `${s.url}/readyz`, s.pid, s.logFile, 120_000)));
  for (const s of started) o.log(`${s.name.padEnd(16)} pid ${s.pid}  ${s.url}/metrics  log ${s.logFile}`);
  return [...out, ...started];
}

/** Stops what stackUp started (pid files stack-*.pid whose process is really ours). */
export async function stackDown(
  root: string,
  log: (line: string) => void,
  only?: readonly string[],
): Promise<string[]> {
  const { run } = paths(root);
  if (!existsSync(run)) return [];
  const stopped: string[] = [];
  const files = readdirSync(run).filter((f) => f.startsWith('stack-') && f.endsWith('.pid'));
  await Promise.all(
    files.map(async (f) => {
      const name = f.slice('stack-'.length, -'.pid'.length);
      if (only !== undefined && !only.includes(name)) return;
      const file = join(run, f);
      const pid = readPid(file);
      const argv = pid === undefined ? undefined : processArgv(pid);
      if (pid !== undefined && argv !== undefined && argv.some((a) => a.startsWith(root))) {
        await stopProcess(pid, 12_000);
        stopped.push(name);
        log(`stopped ${name} (pid ${pid})`);
      }
      removeFile(file);
    }),
  );
  return stopped;
}

export function readEnvFile(root: string): Record<string, string> {
  const file = join(root, '.infra', 'env');
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] as string, m[2] as string]),
  );
}

// Redis is a Debian package rather than a download: reuse any Redis that answers, otherwise
// start the installed redis-server. Installing it is the CI script's job, not ours.
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { InfraConfig } from './config.ts';
import type { Log, Outcome } from './component.ts';
import { portTakenError, seconds } from './component.ts';
import { run } from './exec.ts';
import { probeRedis } from './probe.ts';
import { pidState, processCwd, removeFile } from './proc.ts';
import type { Ownership } from './proc.ts';
import { waitUntilReady } from './wait.ts';

const STARTUP_TIMEOUT_MS = 15_000;

export function redisPidFile(cfg: InfraConfig): string {
  return join(cfg.paths.runDir, 'redis.pid');
}

export function redisLogFile(cfg: InfraConfig): string {
  return join(cfg.paths.logsDir, 'redis.log');
}

/**
 * redis-server rewrites its argv to "redis-server <host>:<port>", which does not say who started
 * it; its working directory does (--dir). Matching on the port instead would make `down` depend
 * on the MARKETPIPE_REDIS_PORT that `up` happened to run with.
 */
export function ownsRedis(cfg: InfraConfig): Ownership {
  return (argv, pid) => (argv[0] ?? '').includes('redis-server') && processCwd(pid) === realPath(cfg.paths.redisDir);
}

/** /proc/<pid>/cwd is fully resolved, so compare against the resolved form of our path. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export async function upRedis(cfg: InfraConfig, log: Log): Promise<Outcome> {
  const { host, port } = cfg.redis;
  const address = `${host}:${port}`;
  const pidFile = redisPidFile(cfg);
  const logFile = redisLogFile(cfg);
  const probe = () => probeRedis(host, port);

  const mine = pidState(pidFile, ownsRedis(cfg));
  if (mine.state === 'ours') {
    await waitUntilReady({ name: 'Redis', address, probe, timeoutMs: STARTUP_TIMEOUT_MS, logFile, process: mine.pid });
    log(`redis: already running (pid ${mine.pid}) on ${address}`);
    return 'running';
  }
  if (mine.state !== 'none') removeFile(pidFile);

  const current = await probe();
  if (current.state === 'ok') {
    log(`redis: using the Redis already answering on ${address} (not started by infra:up)`);
    return 'external';
  }
  if (current.state === 'wrong') throw portTakenError('a usable Redis', host, port, current.detail);

  const started = Date.now();
  await startRedisServer(cfg, pidFile, logFile);
  log(`redis: starting redis-server, log ${logFile}`);
  // No process to watch: the daemon writes its pid file a moment after the fork returns.
  await waitUntilReady({ name: 'Redis', address, probe, timeoutMs: STARTUP_TIMEOUT_MS, logFile });
  log(`redis: ready on ${address} after ${seconds(started)}`);
  return 'started';
}

/** --daemonize makes redis-server fork, write the pid file itself and return at once. */
async function startRedisServer(cfg: InfraConfig, pidFile: string, logFile: string): Promise<void> {
  mkdirSync(cfg.paths.redisDir, { recursive: true });
  const options: [string, string][] = [
    ['daemonize', 'yes'],
    ['bind', cfg.redis.host],
    ['port', String(cfg.redis.port)],
    // A cache for tests: no snapshots or AOF files to clean up.
    ['save', ''],
    ['appendonly', 'no'],
    ['pidfile', pidFile],
    ['logfile', logFile],
    ['dir', cfg.paths.redisDir],
  ];
  const args = options.flatMap(([name, value]) => [`--${name}`, value]);
  const result = await run('redis-server', args, cfg.paths.redisDir).catch(() => {
    throw new Error(
      `nothing answers PING on ${cfg.redis.host}:${cfg.redis.port} and redis-server is not installed: ` +
        'run `apt-get install -y redis-server` (or point MARKETPIPE_REDIS_PORT at a running Redis)',
    );
  });
  if (result.code !== 0) {
    throw new Error(`redis-server exited with ${result.code ?? 'a signal'}:\n${result.output.trim()}`);
  }
}

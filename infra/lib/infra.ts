// Public entry points, shared by the CLI scripts (infra/up.ts, infra/down.ts) and test setup:
//
//   import { infraUp } from '<root>/infra/lib/infra.ts';
//   export default async (globalConfig) => { const { env } = await infraUp({ root: globalConfig.rootDir }); ... };
//
// This module never touches import.meta, so it also loads where TypeScript is compiled to CommonJS.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { clientEnv, findRepoRoot, loadConfig } from './config.ts';
import type { Env, InfraConfig } from './config.ts';
import type { ComponentName, Log, Outcome } from './component.ts';
import { kafkaPidFile, ownsKafka, upKafka } from './kafka.ts';
import { mavenTurns } from './exec.ts';
import type { MavenTurn } from './exec.ts';
import { withLock } from './lock.ts';
import { pidState, removeFile, stopProcess } from './proc.ts';
import type { Ownership } from './proc.ts';
import { ownsRedis, redisPidFile, upRedis } from './redis.ts';
import { ownsRegistry, registryPidFile, upRegistry } from './registry.ts';

export type { ComponentName, Outcome } from './component.ts';

export interface InfraOptions {
  /** Repository root; defaults to the nearest ancestor of the cwd holding infra/maven/kafka.pom.xml. */
  root?: string;
  /** Progress messages; defaults to stderr so stdout stays machine-readable. */
  log?: Log;
  env?: Env;
}

export interface UpOptions extends InfraOptions {
  /** Subset to bring up, e.g. ['redis'] for a suite that needs nothing else. Default: all. */
  components?: readonly ComponentName[];
}

export interface UpResult {
  /** KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL. */
  env: Record<string, string>;
  /** Components this call launched (a later `down` stops them). */
  started: ComponentName[];
  /** Everything that now answers, and how it came to be there. */
  outcomes: Partial<Record<ComponentName, Outcome>>;
}

export interface DownOptions extends InfraOptions {
  /** Also delete Kafka's and the registry's data so the next up starts empty. */
  purge?: boolean;
  /** Stop only these (e.g. what one test run started); all of ours by default. */
  components?: readonly ComponentName[];
}

export interface DownResult {
  stopped: ComponentName[];
}

const ALL: readonly ComponentName[] = ['kafka', 'registry', 'redis'];
// Long enough for a cold run that downloads the registry while another up waits.
const LOCK_TIMEOUT_MS = 10 * 60_000;
const STOP_GRACE_MS = 20_000;

export const stderrLog: Log = (message) => {
  process.stderr.write(`[infra] ${message}\n`);
};

function resolveConfig(opts: InfraOptions): InfraConfig {
  return loadConfig(opts.root ?? findRepoRoot(), opts.env ?? process.env);
}

export async function infraUp(opts: UpOptions = {}): Promise<UpResult> {
  const cfg = resolveConfig(opts);
  const log = opts.log ?? stderrLog;
  const wanted = opts.components ?? ALL;
  const { paths } = cfg;
  for (const dir of [paths.runDir, paths.logsDir, paths.kafkaDir, paths.registryDir])
    mkdirSync(dir, { recursive: true });

  const upFns: Record<ComponentName, (c: InfraConfig, l: Log, m: MavenTurn) => Promise<Outcome>> = {
    kafka: upKafka,
    registry: upRegistry,
    redis: upRedis,
  };
  // Fixed order, whatever order the caller listed: Kafka's jars are fetched first (see mavenTurns).
  const names = ALL.filter((name) => wanted.includes(name));
  const outcomes = await withLock(paths.lockFile, LOCK_TIMEOUT_MS, log, async () => {
    const turns = mavenTurns(cfg.mvn, paths.root, names.length);
    // Independent services: brought up side by side; only their Maven fetches take turns.
    const settled = await Promise.allSettled(
      names.map((name, i) => {
        const turn = turns[i] as MavenTurn;
        return upFns[name](cfg, log, turn).finally(() => turn.release());
      }),
    );
    return collect(names, settled);
  });

  const env = clientEnv(cfg);
  writeFileSync(
    paths.envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  const started = names.filter((name) => outcomes[name] === 'started');
  return { env, started, outcomes };
}

/** Waits for every component before failing, so one failure does not orphan a half-started JVM. */
function collect(
  names: readonly ComponentName[],
  settled: PromiseSettledResult<Outcome>[],
): Partial<Record<ComponentName, Outcome>> {
  const outcomes: Partial<Record<ComponentName, Outcome>> = {};
  const errors: string[] = [];
  names.forEach((name, i) => {
    const result = settled[i];
    if (result === undefined) return;
    if (result.status === 'fulfilled') outcomes[name] = result.value;
    else errors.push(`${name}: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
  });
  if (errors.length > 0) {
    // Whatever did come up stays up (the next run reuses it); say how to clean up anyway.
    throw new Error(
      `infra:up failed\n${errors.join('\n')}\n(anything it started still runs; \`node infra/down.ts\` stops it)`,
    );
  }
  return outcomes;
}

export async function infraDown(opts: DownOptions = {}): Promise<DownResult> {
  const cfg = resolveConfig(opts);
  const log = opts.log ?? stderrLog;
  const wanted = opts.components ?? ALL;
  const targets: { name: ComponentName; pidFile: string; owned: Ownership }[] = [
    { name: 'kafka' as const, pidFile: kafkaPidFile(cfg), owned: ownsKafka(cfg) },
    { name: 'registry' as const, pidFile: registryPidFile(cfg), owned: ownsRegistry(cfg) },
    { name: 'redis' as const, pidFile: redisPidFile(cfg), owned: ownsRedis(cfg) },
  ].filter((t) => wanted.includes(t.name));
  const results = await Promise.all(targets.map((t) => stopOne(t.name, t.pidFile, t.owned, log)));
  const stopped = targets.filter((_, i) => results[i] === true).map((t) => t.name);
  if (opts.purge === true) {
    // Together: schema ids inside Kafka records are only meaningful with the registry that issued them.
    for (const dir of [cfg.paths.kafkaData, cfg.paths.registryData]) rmSync(dir, { recursive: true, force: true });
    log(`purged ${cfg.paths.kafkaData} and ${cfg.paths.registryData}`);
  }
  return { stopped };
}

async function stopOne(name: ComponentName, pidFile: string, owned: Ownership, log: Log): Promise<boolean> {
  const state = pidState(pidFile, owned);
  switch (state.state) {
    case 'none':
      return false;
    case 'dead':
      log(`${name}: not running (removing stale pid file)`);
      removeFile(pidFile);
      return false;
    case 'foreign':
      // The pid was reused by an unrelated process: never signal it.
      log(`${name}: pid ${state.pid} is no longer ${name}; leaving that process alone, removing pid file`);
      removeFile(pidFile);
      return false;
    case 'ours': {
      const started = Date.now();
      const gone = await stopProcess(state.pid, STOP_GRACE_MS);
      if (!gone) throw new Error(`${name}: pid ${state.pid} survived SIGTERM and SIGKILL`);
      removeFile(pidFile);
      log(`${name}: stopped (pid ${state.pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return true;
    }
  }
}

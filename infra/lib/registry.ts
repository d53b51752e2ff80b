// Apicurio Registry 3 as the Confluent-compatible schema registry (/apis/ccompat/v7).
// The Maven artifact `apicurio-registry-app:<v>:tar.gz:all` is a Quarkus legacy-jar layout:
// <name>-runner.jar beside a flat lib/ folder that the jar's manifest Class-Path points into.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { InfraConfig } from './config.ts';
import type { Log, Outcome } from './component.ts';
import { portTakenError, seconds } from './component.ts';
import { checkJava, runChecked } from './exec.ts';
import type { MavenTurn } from './exec.ts';
import { probeHttp } from './probe.ts';
import { pidState, removeFile, spawnDetached, writePid } from './proc.ts';
import type { Ownership } from './proc.ts';
import { waitUntilReady } from './wait.ts';

export const REGISTRY_VERSION = '3.0.9';
const ARTIFACT = `io.apicurio:apicurio-registry-app:${REGISTRY_VERSION}:tar.gz:all`;
const STARTUP_TIMEOUT_MS = 120_000;

// C1-only JIT and the serial collector: startup ~3 s instead of ~4.7 s and ~170 MB RSS instead
// of ~250 MB, and test traffic never gets hot enough for C2 to matter.
const JVM_OPTS = [
  '-Xms32m',
  '-Xmx384m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

function registryProperties(cfg: InfraConfig): string[] {
  return [
    `-Dquarkus.http.host=${cfg.registry.host}`,
    `-Dquarkus.http.port=${cfg.registry.port}`,
    // File-backed H2 instead of the default in-memory one: Kafka keeps its topics across
    // down/up, and Avro records there carry schema ids that must still resolve afterwards.
    `-Dapicurio.datasource.url=jdbc:h2:file:${join(cfg.paths.registryData, 'registry')}`,
    // Tests clean up subjects; ccompat DELETE works regardless, these open the core v3 API too.
    '-Dapicurio.rest.deletion.artifact.enabled=true',
    '-Dapicurio.rest.deletion.artifact-version.enabled=true',
    '-Dapicurio.rest.deletion.group.enabled=true',
    // Keep content ids (the default): like Confluent, one id per distinct schema, and
    // GET /schemas/ids/{id} resolves exactly the id that registration returned.
    '-Dapicurio.ccompat.legacy-id-mode.enabled=false',
    // The default pool keeps 20 idle H2 connections; a single-user dev registry needs two.
    '-Dapicurio.datasource.jdbc.initial-size=2',
    '-Dapicurio.datasource.jdbc.min-size=2',
    // One access-log line per request and metrics chatter drown the audit lines that explain 409s.
    '-Dquarkus.http.access-log.enabled=false',
    '-Dquarkus.banner.enabled=false',
    '-Dquarkus.log.category."io.apicurio.registry.storage.metrics".level=WARN',
  ];
}

export function registryPidFile(cfg: InfraConfig): string {
  return join(cfg.paths.runDir, 'registry.pid');
}

export function registryLogFile(cfg: InfraConfig): string {
  return join(cfg.paths.logsDir, 'registry.log');
}

function appDir(cfg: InfraConfig): string {
  return join(cfg.paths.registryDir, `apicurio-registry-app-${REGISTRY_VERSION}`);
}

function runnerJar(cfg: InfraConfig): string {
  return join(appDir(cfg), `apicurio-registry-app-${REGISTRY_VERSION}-runner.jar`);
}

/** Only a registry started from this checkout's extracted jar counts as ours. */
export function ownsRegistry(cfg: InfraConfig): Ownership {
  const jar = runnerJar(cfg);
  return (argv) => argv.includes(jar);
}

export function registryUrl(cfg: InfraConfig): string {
  return `http://${cfg.registry.host}:${cfg.registry.port}/apis/ccompat/v7`;
}

export async function upRegistry(cfg: InfraConfig, log: Log, maven: MavenTurn): Promise<Outcome> {
  const { host, port } = cfg.registry;
  const address = `${host}:${port}`;
  const pidFile = registryPidFile(cfg);
  const logFile = registryLogFile(cfg);
  const probe = () => probeHttp(`${registryUrl(cfg)}/subjects`);

  const mine = pidState(pidFile, ownsRegistry(cfg));
  if (mine.state === 'ours') {
    await waitUntilReady({
      name: 'the registry',
      address,
      probe,
      timeoutMs: STARTUP_TIMEOUT_MS,
      logFile,
      process: mine.pid,
    });
    log(`registry: already running (pid ${mine.pid}) on ${address}`);
    return 'running';
  }
  if (mine.state !== 'none') removeFile(pidFile);

  const current = await probe();
  if (current.state === 'ok') {
    log(`registry: a schema registry not started by infra:up already answers on ${address}; using it`);
    return 'external';
  }
  if (current.state === 'wrong') {
    throw portTakenError('a Confluent-compatible schema registry', host, port, current.detail);
  }

  await checkJava(cfg.java, cfg.paths.root);
  await ensureRegistryApp(cfg, log, maven);

  const started = Date.now();
  const args = [...JVM_OPTS, ...registryProperties(cfg), '-jar', runnerJar(cfg)];
  const child = spawnDetached(cfg.java, args, cfg.paths.registryDir, logFile);
  writePid(pidFile, child.pid);
  log(`registry: starting Apicurio ${REGISTRY_VERSION} (pid ${child.pid}), log ${logFile}`);
  await waitUntilReady({
    name: 'the registry',
    address,
    probe,
    timeoutMs: STARTUP_TIMEOUT_MS,
    logFile,
    process: child,
  }).catch((err: unknown) => {
    // A dead child leaves nothing to stop; a slow one keeps its pid file so `down` can.
    if (child.exit !== undefined) removeFile(pidFile);
    throw err;
  });
  log(`registry: ready on ${address} after ${seconds(started)}`);
  return 'started';
}

/**
 * Downloads (through ~/.m2, so a re-extract after `rm -rf .infra` costs no network) and unpacks
 * the app. The final directory appears by rename, so its existence means "complete".
 */
async function ensureRegistryApp(cfg: InfraConfig, log: Log, maven: MavenTurn): Promise<void> {
  if (existsSync(runnerJar(cfg))) return;
  const { registryDir } = cfg.paths;
  const download = join(registryDir, 'download');
  const partial = join(registryDir, 'extract.partial');
  rmSync(download, { recursive: true, force: true });
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(download, { recursive: true });
  mkdirSync(partial, { recursive: true });
  let started = Date.now();
  await maven.run(
    ['dependency:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${download}`],
    'fetching the Apicurio registry',
    () => {
      started = Date.now();
      log(`registry: fetching ${ARTIFACT} with Maven (first run only, ~108 MB)`);
    },
  );
  const archive = readdirSync(download).find((f) => f.endsWith('.tar.gz'));
  if (archive === undefined) throw new Error(`Maven reported success but left no .tar.gz in ${download}`);
  await runChecked('tar', ['-xzf', join(download, archive), '-C', partial], registryDir, 'extracting the registry');
  rmSync(appDir(cfg), { recursive: true, force: true });
  renameSync(partial, appDir(cfg));
  if (!existsSync(runnerJar(cfg))) {
    throw new Error(`${archive} did not contain ${runnerJar(cfg)}; the archive layout changed (see infra/README.md)`);
  }
  // The archive is still in ~/.m2; a second 108 MB copy under .infra buys nothing.
  rmSync(download, { recursive: true, force: true });
  log(`registry: unpacked in ${seconds(started)}`);
}

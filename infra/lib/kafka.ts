// Single-node KRaft Kafka broker run straight from Maven Central jars (no distribution tarball,
// no Docker): fetch jars once, render server.properties, format storage once, start detached.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InfraConfig } from './config.ts';
import type { Log, Outcome } from './component.ts';
import { portTakenError, seconds } from './component.ts';
import { checkJava, runChecked } from './exec.ts';
import type { MavenTurn } from './exec.ts';
import { isListening, probeKafka } from './probe.ts';
import { pidState, removeFile, spawnDetached, writePid } from './proc.ts';
import type { Ownership } from './proc.ts';
import { waitUntilReady } from './wait.ts';

const STARTUP_TIMEOUT_MS = 90_000;
const LIBS_MARKER = '.complete';

// G1 with short pauses is what kafka-run-class.sh uses; the heap is capped for a 2-core CI box
// that also runs the registry, Redis and the Node services under test.
const JVM_OPTS = [
  '-Xms256m',
  '-Xmx768m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

export function kafkaPidFile(cfg: InfraConfig): string {
  return join(cfg.paths.runDir, 'kafka.pid');
}

export function kafkaLogFile(cfg: InfraConfig): string {
  return join(cfg.paths.logsDir, 'kafka.log');
}

/** Only a broker started with this checkout's server.properties counts as ours. */
export function ownsKafka(cfg: InfraConfig): Ownership {
  return (argv) => argv.includes('kafka.Kafka') && argv.includes(cfg.paths.kafkaConfig);
}

export async function upKafka(cfg: InfraConfig, log: Log, maven: MavenTurn): Promise<Outcome> {
  const { host, port, controllerPort } = cfg.kafka;
  const address = `${host}:${port}`;
  const pidFile = kafkaPidFile(cfg);
  const logFile = kafkaLogFile(cfg);
  const probe = () => probeKafka(host, port);

  const mine = pidState(pidFile, ownsKafka(cfg));
  if (mine.state === 'ours') {
    // Possibly still starting (another up was interrupted, or is running in parallel).
    await waitUntilReady({ name: 'Kafka', address, probe, timeoutMs: STARTUP_TIMEOUT_MS, logFile, process: mine.pid });
    log(`kafka: already running (pid ${mine.pid}) on ${address}`);
    return 'running';
  }
  if (mine.state !== 'none') removeFile(pidFile);

  const current = await probe();
  if (current.state === 'ok') {
    log(`kafka: a broker not started by infra:up already answers on ${address}; using it`);
    return 'external';
  }
  if (current.state === 'wrong') throw portTakenError('a Kafka broker', host, port, current.detail);
  if (await isListening(host, controllerPort)) {
    throw new Error(
      `port ${controllerPort} on ${host} is already in use, but the KRaft controller needs it ` +
        '(set MARKETPIPE_KAFKA_CONTROLLER_PORT to move it, see infra/README.md)',
    );
  }

  await checkJava(cfg.java, cfg.paths.root);
  await ensureKafkaLibs(cfg, log, maven);
  writeServerProperties(cfg);
  await formatStorage(cfg, log);

  const started = Date.now();
  const child = spawnDetached(cfg.java, kafkaArgs(cfg), cfg.paths.kafkaDir, logFile);
  writePid(pidFile, child.pid);
  log(`kafka: starting (pid ${child.pid}), log ${logFile}`);
  await waitUntilReady({ name: 'Kafka', address, probe, timeoutMs: STARTUP_TIMEOUT_MS, logFile, process: child }).catch(
    (err: unknown) => {
      // A dead child leaves nothing to stop; a slow one keeps its pid file so `down` can.
      if (child.exit !== undefined) removeFile(pidFile);
      throw err;
    },
  );
  log(`kafka: ready on ${address} after ${seconds(started)}`);
  return 'started';
}

function kafkaArgs(cfg: InfraConfig): string[] {
  const { kafkaLibs, kafkaLog4j, kafkaConfig } = cfg.paths;
  return [
    ...JVM_OPTS,
    `-Dlog4j.configuration=file:${kafkaLog4j}`,
    '-cp',
    // Expanded by the JVM itself, not a shell.
    join(kafkaLibs, '*'),
    'kafka.Kafka',
    kafkaConfig,
  ];
}

/**
 * The marker holds the pom's hash: a Kafka version bump in the pom refetches, while an unchanged
 * pom skips Maven entirely (mvn startup alone costs seconds).
 */
async function ensureKafkaLibs(cfg: InfraConfig, log: Log, maven: MavenTurn): Promise<void> {
  const { kafkaLibs, kafkaPom, kafkaDir } = cfg.paths;
  const pomHash = createHash('sha256').update(readFileSync(kafkaPom)).digest('hex');
  const marker = join(kafkaLibs, LIBS_MARKER);
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === pomHash) return;

  const partial = join(kafkaDir, 'libs.partial');
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  let started = Date.now();
  await maven.run(
    ['-f', kafkaPom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${partial}`],
    'fetching the Kafka jars',
    () => {
      started = Date.now();
      log('kafka: fetching jars with Maven (first run only)');
    },
  );
  writeFileSync(join(partial, LIBS_MARKER), `${pomHash}\n`);
  // Swap in whole so an interrupted fetch never leaves a half-filled libs dir that looks complete.
  rmSync(kafkaLibs, { recursive: true, force: true });
  renameSync(partial, kafkaLibs);
  log(`kafka: jars ready in ${seconds(started)}`);
}

function writeServerProperties(cfg: InfraConfig): void {
  const values: Record<string, string> = {
    KAFKA_HOST: cfg.kafka.host,
    KAFKA_PORT: String(cfg.kafka.port),
    CONTROLLER_PORT: String(cfg.kafka.controllerPort),
    LOG_DIRS: cfg.paths.kafkaData,
  };
  const template = readFileSync(cfg.paths.kafkaTemplate, 'utf8');
  const rendered = template.replace(/\{\{(\w+)\}\}/g, (match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${cfg.paths.kafkaTemplate}: unknown placeholder ${match}`);
    return value;
  });
  writeFileSync(cfg.paths.kafkaConfig, rendered);
}

/** KRaft refuses to start on an unformatted log dir; formatting twice would fail, so check first. */
async function formatStorage(cfg: InfraConfig, log: Log): Promise<void> {
  const { kafkaData, kafkaLibs, kafkaConfig, kafkaDir } = cfg.paths;
  if (existsSync(join(kafkaData, 'meta.properties'))) return;
  const clusterId = newClusterId();
  log(`kafka: formatting ${kafkaData} (cluster id ${clusterId})`);
  await runChecked(
    cfg.java,
    ['-cp', join(kafkaLibs, '*'), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', kafkaConfig],
    kafkaDir,
    'formatting Kafka storage',
  );
}

/**
 * Kafka's Uuid format: 16 random bytes as unpadded base64url (22 chars). A leading '-' would be
 * parsed as an option by StorageTool's argument parser, as Kafka's own Uuid.randomUuid avoids too.
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

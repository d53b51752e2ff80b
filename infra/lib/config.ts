// Where everything lives and which ports to use. Pure functions of (repo root, environment),
// so jest's globalSetup and the CLI scripts resolve exactly the same layout.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface Endpoint {
  host: string;
  port: number;
}

export interface InfraPaths {
  root: string;
  /** Gitignored working folder: jars, data, logs, pid files. */
  infraDir: string;
  runDir: string;
  logsDir: string;
  envFile: string;
  lockFile: string;
  kafkaPom: string;
  kafkaTemplate: string;
  kafkaLog4j: string;
  kafkaDir: string;
  kafkaLibs: string;
  kafkaData: string;
  kafkaConfig: string;
  registryDir: string;
  /** H2 database files: registry state lives exactly as long as Kafka's data (both go on --purge). */
  registryData: string;
  redisDir: string;
}

export interface InfraConfig {
  paths: InfraPaths;
  kafka: Endpoint & { controllerPort: number };
  registry: Endpoint;
  redis: Endpoint;
  /** java binary; Kafka and Apicurio both need 17+. */
  java: string;
  mvn: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_HOST = '127.0.0.1';

export function infraPaths(root: string, env: Env = process.env): InfraPaths {
  const infraDir = resolve(root, env['MARKETPIPE_INFRA_DIR'] ?? '.infra');
  const kafkaDir = join(infraDir, 'kafka');
  return {
    root,
    infraDir,
    runDir: join(infraDir, 'run'),
    logsDir: join(infraDir, 'logs'),
    envFile: join(infraDir, 'env'),
    lockFile: join(infraDir, 'run', 'up.lock'),
    kafkaPom: join(root, 'infra', 'maven', 'kafka.pom.xml'),
    kafkaTemplate: join(root, 'infra', 'kafka', 'server.properties.template'),
    kafkaLog4j: join(root, 'infra', 'kafka', 'log4j.properties'),
    kafkaDir,
    kafkaLibs: join(kafkaDir, 'libs'),
    kafkaData: join(kafkaDir, 'data'),
    kafkaConfig: join(kafkaDir, 'server.properties'),
    registryDir: join(infraDir, 'registry'),
    registryData: join(infraDir, 'registry', 'data'),
    redisDir: join(infraDir, 'redis'),
  };
}

export function loadConfig(rootDir: string, env: Env = process.env): InfraConfig {
  // Resolved, because paths end up in daemons' argv, which is how `down` recognises them: a root
  // reached through a symlink must still produce the same strings.
  const root = realpathSync(rootDir);
  const kafkaPort = port(env, 'MARKETPIPE_KAFKA_PORT', 9092);
  return {
    paths: infraPaths(root, env),
    kafka: {
      host: env['MARKETPIPE_KAFKA_HOST'] ?? DEFAULT_HOST,
      port: kafkaPort,
      // Follows the broker port so two checkouts with shifted ports never share a controller port.
      controllerPort: port(env, 'MARKETPIPE_KAFKA_CONTROLLER_PORT', kafkaPort + 1),
    },
    registry: {
      host: env['MARKETPIPE_REGISTRY_HOST'] ?? DEFAULT_HOST,
      port: port(env, 'MARKETPIPE_REGISTRY_PORT', 8081),
    },
    redis: { host: env['MARKETPIPE_REDIS_HOST'] ?? DEFAULT_HOST, port: port(env, 'MARKETPIPE_REDIS_PORT', 6379) },
    java: env['MARKETPIPE_JAVA'] ?? 'java',
    mvn: env['MARKETPIPE_MVN'] ?? 'mvn',
  };
}

/** The variables other scripts and tests read; printed by up.ts and written to .infra/env. */
export function clientEnv(cfg: InfraConfig): Record<string, string> {
  return {
    KAFKA_BROKERS: `${cfg.kafka.host}:${cfg.kafka.port}`,
    SCHEMA_REGISTRY_URL: `http://${cfg.registry.host}:${cfg.registry.port}/apis/ccompat/v7`,
    REDIS_URL: `redis://${cfg.redis.host}:${cfg.redis.port}`,
  };
}

/**
 * Fallback when a caller (e.g. a jest globalSetup compiled to CommonJS, where import.meta is
 * unavailable) does not pass the root: the nearest ancestor of `from` that holds the Kafka pom.
 */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'infra', 'maven', 'kafka.pom.xml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no marketpipe checkout (infra/maven/kafka.pom.xml) above ${from}`);
    dir = parent;
  }
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}=${raw} is not a TCP port (1-65535)`);
  }
  return value;
}

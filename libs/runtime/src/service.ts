import { ConfigError, defineConfig, int, oneOf, parseConfig, str, type ConfigOf, type ConfigSpec } from './config';
import { Lifecycle } from './lifecycle';
import { createLogger, LOG_LEVELS, type Logger } from './logger';
import { OpsServer } from './ops-server';

/** Variables every service reads. */
export const SERVICE_CONFIG = defineConfig({
  LOG_LEVEL: { doc: 'pino log level', parse: oneOf(LOG_LEVELS), default: 'info' },
  OPS_HOST: { doc: 'Bind address of /healthz, /readyz and /metrics', parse: str(), default: '0.0.0.0' },
  OPS_PORT: {
    doc: 'Port of /healthz, /readyz and /metrics (0 = any free port)',
    parse: int({ min: 0, max: 65535 }),
    default: '8080',
  },
});

export interface ServiceContext<S extends ConfigSpec> {
  config: ConfigOf<S> & ConfigOf<typeof SERVICE_CONFIG>;
  logger: Logger;
  ops: OpsServer;
  lifecycle: Lifecycle;
}

export interface ServiceDefinition<S extends ConfigSpec> {
  name: string;
  config: S;
  start: (ctx: ServiceContext<S>) => Promise<void>;
}

/**
 * The `main` of every service: parse config (a bad value ends the process with one line naming the
 * variable), open the ops endpoints, run `start`, and stop cleanly on SIGTERM/SIGINT.
 */
export async function runService<S extends ConfigSpec>(
  def: ServiceDefinition<S>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServiceContext<S>> {
  let config: ServiceContext<S>['config'];
  try {
    config = parseConfig({ ...SERVICE_CONFIG, ...def.config }, env) as ServiceContext<S>['config'];
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${def.name}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(def.name, config.LOG_LEVEL);
  const ops = new OpsServer(def.name);
  const lifecycle = new Lifecycle(logger);
  lifecycle.installSignalHandlers();
  const port = await ops.listen(config.OPS_PORT, config.OPS_HOST);
  lifecycle.onStop('ops-server', () => ops.close());
  logger.info({ port }, 'ops endpoints listening');
  const ctx: ServiceContext<S> = { config, logger, ops, lifecycle };
  try {
    await def.start(ctx);
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    await lifecycle.stop('start-up failed').catch(() => undefined);
    process.exit(1);
  }
  return ctx;
}

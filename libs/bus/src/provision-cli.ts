#!/usr/bin/env node
// `node libs/bus/dist/provision-cli.js`: create the topics and register the schemas, then exit.
// Exit codes: 0 done, 1 failed (unreachable, incompatible schema, partition mismatch), 2 bad config.
import { ConfigError, createLogger, parseConfig } from '@marketpipe/runtime';
import { provision, PROVISION_CONFIG } from './provision';

const NAME = 'provision';

async function main(): Promise<number> {
  let config;
  try {
    config = parseConfig(PROVISION_CONFIG);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${NAME}: ${err.message}\n`);
    return 2;
  }
  const logger = createLogger(NAME, config.LOG_LEVEL);
  const result = await provision(config, logger);
  logger.info(
    { created: result.created, schemaIds: Object.fromEntries(result.schemaIds) },
    `${result.created.length} topics created, ${result.schemaIds.size} schemas registered`,
  );
  for (const problem of result.misconfigured) logger.info({ problem }, 'topic configs aligned with their policy');
  if (result.mismatched.length > 0) {
    // Co-partitioning by symbol needs every input topic at the same partition count.
    logger.error(
      { mismatched: result.mismatched },
      'topic partition counts differ from KAFKA_TOPIC_PARTITIONS: set it to the existing count, or grow every contract topic to it together (README, Deploy)',
    );
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${NAME}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);

/**
 * Provisioning of the Kafka side of a deployment, done once before the services start (the
 * docker-compose `provision` service and the k8s Job): every contract topic and its DLQ with the
 * configured layout, and every contract schema registered with the configured compatibility.
 * Services do the same on start (harmless when done), so this is about failing early and loudly:
 * a partition-count mismatch or an incompatible schema stops the deploy instead of one service.
 * Pure library functions; an operator CLI (`marketpipe topics` / `marketpipe schemas`) calls them.
 */
import { ALL_TOPICS, createRegistryClient, registerContracts, type TopicName } from '@marketpipe/contracts';
import { defineConfig, SERVICE_CONFIG, type Logger } from '@marketpipe/runtime';
import type { Admin } from 'kafkajs';
import { createKafka, registryConfig } from './kafka';
import { KAFKA_CONFIG, type KafkaConfig } from './kafka-config';
import { alignTopicConfigs, ensureTopics, inspectTopics, topicConfigs } from './topic-admin';

/** What the provisioning entry point reads: the Kafka/registry variables and the log level. */
// Annotated: the inferred type would name pino's level type, which this package cannot export.
export const PROVISION_CONFIG: Pick<typeof SERVICE_CONFIG, 'LOG_LEVEL'> & typeof KAFKA_CONFIG = defineConfig({
  LOG_LEVEL: SERVICE_CONFIG.LOG_LEVEL,
  ...KAFKA_CONFIG,
});

export interface TopicProvisioning {
  created: string[];
  /** Contract topics whose partition count differs from KAFKA_TOPIC_PARTITIONS. */
  mismatched: string[];
  /** Topics whose retention/compaction configs differed from their policy (provision aligns them). */
  misconfigured: string[];
}

/**
 * Creates the missing contract topics and DLQs with the configured layout and aligns the
 * retention/compaction configs of existing ones (a config change moves no data; a partition count
 * is never changed).
 */
export async function provisionTopics(
  admin: Admin,
  config: Pick<KafkaConfig, 'KAFKA_TOPIC_PARTITIONS' | 'KAFKA_REPLICATION_FACTOR'>,
  topics: readonly TopicName[] = ALL_TOPICS,
): Promise<TopicProvisioning> {
  const layout = { partitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR };
  const result = await ensureTopics(admin, layout, topics);
  if (result.misconfigured.length > 0)
    await alignTopicConfigs(admin, await inspectTopics(admin, topicConfigs(layout, topics)));
  return result;
}

/** Registers every contract's value schema under `<topic>-value`; returns the schema id per topic. */
export async function provisionSchemas(
  config: KafkaConfig,
  topics: readonly TopicName[] = ALL_TOPICS,
): Promise<Map<TopicName, number>> {
  const registry = registryConfig(config);
  return registerContracts(createRegistryClient(registry), registry, topics);
}

export interface Provisioning extends TopicProvisioning {
  schemaIds: Map<TopicName, number>;
}

/** Topics first, then schemas: both with the configuration a service would use. */
export async function provision(
  config: KafkaConfig,
  logger: Logger,
  clientId = 'marketpipe-provision',
): Promise<Provisioning> {
  const admin = createKafka({ config, clientId, logger }).admin();
  await admin.connect();
  let topics: TopicProvisioning;
  try {
    topics = await provisionTopics(admin, config);
  } finally {
    await admin.disconnect();
  }
  const schemaIds = await provisionSchemas(config);
  return { ...topics, schemaIds };
}

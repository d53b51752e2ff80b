import { COMPATIBILITY_LEVELS } from '@marketpipe/contracts';
import { bool, defineConfig, hostPort, int, list, oneOf, str, url, type ConfigOf } from '@marketpipe/runtime';

/** Kafka and schema-registry variables of every service in the distributed mode. */
export const KAFKA_CONFIG = defineConfig({
  KAFKA_BROKERS: { doc: 'Comma-separated bootstrap brokers, host:port', parse: list(hostPort(), { min: 1 }) },
  KAFKA_CLIENT_ID: { doc: 'Kafka client id (defaults to the service name)', parse: str(), optional: true },
  KAFKA_GROUP_INSTANCE_ID: {
    doc: 'Static consumer-group membership: this instance\'s name in its groups, unique among live members and kept across restarts (a replacement takes over at once); default <service>@<host name>, "none" for dynamic membership',
    parse: str(),
    optional: true,
  },
  KAFKA_SSL: { doc: 'Connect to Kafka over TLS', parse: bool(), default: 'false' },
  KAFKA_SASL_MECHANISM: {
    doc: 'SASL mechanism: none, plain, scram-sha-256, scram-sha-512',
    parse: oneOf(['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const),
    default: 'none',
  },
  KAFKA_SASL_USERNAME: { doc: 'SASL user name', parse: str(), optional: true },
  KAFKA_SASL_PASSWORD: { doc: 'SASL password', parse: str(), optional: true, secret: true },
  KAFKA_TOPIC_PARTITIONS: {
    doc: 'Partitions of topics this service creates when missing (all input topics must match)',
    parse: int({ min: 1, max: 1000 }),
    default: '6',
  },
  KAFKA_REPLICATION_FACTOR: {
    doc: 'Replication factor of topics this service creates',
    parse: int({ min: 1, max: 7 }),
    default: '1',
  },
  SCHEMA_REGISTRY_URL: { doc: 'Confluent-compatible schema registry API base URL', parse: url(['http', 'https']) },
  SCHEMA_REGISTRY_USERNAME: { doc: 'Registry basic-auth user', parse: str(), optional: true },
  SCHEMA_REGISTRY_PASSWORD: { doc: 'Registry basic-auth password', parse: str(), optional: true, secret: true },
  SCHEMA_COMPATIBILITY: {
    doc: 'Compatibility level set on every subject (FULL_TRANSITIVE: old and new readers both decode)',
    parse: oneOf(COMPATIBILITY_LEVELS),
    default: 'FULL_TRANSITIVE',
  },
});

export type KafkaConfig = ConfigOf<typeof KAFKA_CONFIG>;

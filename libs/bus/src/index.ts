export type { Bus, BusMessage, OutgoingRecord, SubscribeOptions, Subscription } from './port';
export { MemoryBus, type MemoryBusOptions } from './memory';
export { InputPositions } from './input-positions';
export { readRetained } from './read-retained';
export {
  createKafka,
  DLQ_HEADERS,
  KAFKA_RETRY,
  KafkaBus,
  registryConfig,
  type DlqReason,
  type KafkaBusOptions,
} from './kafka';
export { KafkaLogGate, STILL_DOWN_EVERY_MS } from './log-gate';
export { KAFKA_CONFIG, type KafkaConfig } from './kafka-config';
export {
  alignTopicConfigs,
  ensureTopics,
  inspectTopics,
  topicConfigs,
  type TopicLayout,
  type TopicStatus,
} from './topic-admin';
export { connectKafkaBus } from './connect';
export { CoPartitionedAssigner, coPartitionedAssignment } from './co-partitioned-assigner';
export { runBusService, type BusStage, type BusStageDeps } from './run-bus-service';
export {
  provision,
  provisionSchemas,
  provisionTopics,
  PROVISION_CONFIG,
  type Provisioning,
  type TopicProvisioning,
} from './provision';

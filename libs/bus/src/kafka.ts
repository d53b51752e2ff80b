import {
  ContractError,
  ContractSerde,
  createRegistryClient,
  DecodeError,
  dlqTopic,
  registerContracts,
  type RegistryConfig,
  type TopicName,
} from '@marketpipe/contracts';
import type { Logger } from '@marketpipe/runtime';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Consumer,
  type IHeaders,
  type KafkaConfig as KafkaJsConfig,
  type KafkaMessage,
  type LogEntry,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type { KafkaConfig } from './kafka-config';
import type { Bus, BusMessage, OutgoingRecord, SubscribeOptions, Subscription } from './port';
import { CoPartitionedAssigner } from './co-partitioned-assigner';
import { ensureTopics } from './topic-admin';

/** Headers a DLQ record carries, so an operator can find and replay the original. */
export const DLQ_HEADERS = {
  reason: 'dlq.reason',
  error: 'dlq.error',
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
  time: 'dlq.time',
} as const;

export type DlqReason = 'undecodable' | 'contract-violation' | 'handler-error';

export interface KafkaBusOptions {
  config: KafkaConfig;
  clientId: string;
  logger: Logger;
  /** Create missing topics on start (the k8s Job does it in production; harmless when they exist). */
  createTopics?: boolean;
  /** Topics whose schemas this process registers/needs; all by default. */
  topics?: readonly TopicName[];
  /** Called for every record sent to a DLQ (metrics hook). */
  onDeadLetter?: (topic: TopicName, reason: DlqReason) => void;
}

function saslOptions(config: KafkaConfig): SASLOptions | undefined {
  if (config.KAFKA_SASL_MECHANISM === 'none') return undefined;
  if (config.KAFKA_SASL_USERNAME === undefined || config.KAFKA_SASL_PASSWORD === undefined) {
    throw new Error(
      `KAFKA_SASL_MECHANISM=${config.KAFKA_SASL_MECHANISM} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
    );
  }
  return {
    mechanism: config.KAFKA_SASL_MECHANISM,
    username: config.KAFKA_SASL_USERNAME,
    password: config.KAFKA_SASL_PASSWORD,
  };
}

/** Routes kafkajs's own logging into pino instead of its console logger. */
function kafkaLogCreator(logger: Logger): KafkaJsConfig['logCreator'] {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) child.error(extra, message);
      else if (level === logLevel.WARN) child.warn(extra, message);
      else if (level === logLevel.INFO) child.debug(extra, message);
    };
}

export function createKafka(options: Pick<KafkaBusOptions, 'config' | 'clientId' | 'logger'>): Kafka {
  const { config } = options;
  const sasl = saslOptions(config);
  return new Kafka({
    clientId: config.KAFKA_CLIENT_ID ?? options.clientId,
    brokers: config.KAFKA_BROKERS,
    ssl: config.KAFKA_SSL,
    ...(sasl === undefined ? {} : { sasl }),
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(options.logger),
  });
}

export function registryConfig(config: KafkaConfig): RegistryConfig {
  return {
    url: config.SCHEMA_REGISTRY_URL,
    compatibility: config.SCHEMA_COMPATIBILITY,
    username: config.SCHEMA_REGISTRY_USERNAME,
    password: config.SCHEMA_REGISTRY_PASSWORD,
  };
}

/**
 * The Kafka adapter: Avro values in the Confluent wire format, keys as UTF-8 symbols, kafkajs's
 * Java-compatible murmur2 partitioner (co-partitioning with any Java producer), an idempotent
 * producer, and consumers that park undecodable or invalid records in `<topic>.dlq` and go on.
 */
export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  readonly kafka: Kafka;
  private readonly producer: Producer;
  private serde: ContractSerde | undefined;
  private readonly consumers = new Set<Consumer>();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = createKafka(options);
    // Idempotence needs a single in-flight request per connection; more reorders retried batches.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async start(): Promise<void> {
    const { config } = this.options;
    if (this.options.createTopics !== false) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const { mismatched, misconfigured } = await ensureTopics(admin, {
          partitions: config.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: config.KAFKA_REPLICATION_FACTOR,
        });
        for (const problem of mismatched)
          this.options.logger.warn({ problem }, 'topic partition count differs from KAFKA_TOPIC_PARTITIONS');
        for (const problem of misconfigured)
          this.options.logger.warn(
            { problem },
            `topic ${problem.slice(0, problem.indexOf(':'))} differs from its retention/compaction policy; \`marketpipe topics --create\` aligns it`,
          );
      } finally {
        await admin.disconnect();
      }
    }
    const registry = registryConfig(config);
    const client = createRegistryClient(registry);
    const ids = await registerContracts(client, registry, this.options.topics);
    this.serde = new ContractSerde(client, ids);
    await this.producer.connect();
  }

  private requireSerde(): ContractSerde {
    if (this.serde === undefined) throw new Error('kafka bus not started');
    return this.serde;
  }

  async publish<T extends TopicName>(topic: T, records: readonly OutgoingRecord<T>[]): Promise<void> {
    if (records.length === 0) return;
    const serde = this.requireSerde();
    // Encode the whole batch before sending anything: an invalid record rejects the batch.
    const messages = await Promise.all(
      records.map(async (r) => ({ key: r.key, value: await serde.encode(topic, r.value) })),
    );
    await this.producer.send({ topic, messages });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const serde = this.requireSerde();
    // A short fetch wait bounds how long an idle consumer takes to notice a stop (and to report
    // itself live); fetches still return the moment data arrives, so latency is unaffected.
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 500,
      partitionAssigners: [CoPartitionedAssigner],
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({
      topics: [...options.topics],
      fromBeginning: options.fromBeginning === true || options.replay === true,
    });
    const catchUp = options.replay === true ? this.replayOnAssignment(consumer, options) : undefined;
    if (options.onAssigned !== undefined) {
      const onAssigned = options.onAssigned;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        onAssigned(new Map(Object.entries(payload.memberAssignment as Record<string, number[]>)));
      });
    }
    // Live = joined the group and completed one fetch, so the start offsets are resolved.
    const live = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.FETCH, () => {
        off();
        resolve();
      });
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        await this.deliver(serde, topic as TopicName, partition, message, options);
        catchUp?.(topic, partition, message.offset);
      },
    });
    await live;
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  /**
   * On every assignment: seek each assigned partition to its earliest offset and note where it ends
   * now; `onCaughtUp` fires once every one of them has been read that far (empty ones at once).
   * Returns the per-message progress hook.
   */
  private replayOnAssignment(
    consumer: Consumer,
    options: SubscribeOptions,
  ): (topic: string, partition: number, offset: string) => void {
    let pending = new Map<string, number>();
    /** Newest offset read per partition in this generation: the ends arrive after reading starts. */
    let seen = new Map<string, number>();
    let generation = 0;
    const done = (): void => {
      if (pending.size === 0) options.onCaughtUp?.();
    };
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assignment = payload.memberAssignment as Record<string, number[]>;
      const mine = ++generation;
      seen = new Map();
      pending = new Map();
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) consumer.seek({ topic, partition, offset: '-2' });
      }
      void (async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          const next = new Map<string, number>();
          for (const [topic, partitions] of Object.entries(assignment)) {
            const offsets = await admin.fetchTopicOffsets(topic);
            for (const o of offsets) {
              if (partitions.includes(o.partition) && Number(o.high) > Number(o.low))
                next.set(`${topic}:${o.partition}`, Number(o.high));
            }
          }
          if (mine !== generation) return;
          for (const [key, target] of next) if ((seen.get(key) ?? -1) + 1 >= target) next.delete(key);
          pending = next;
          done();
        } finally {
          await admin.disconnect();
        }
      })().catch((err: unknown) => this.options.logger.error({ err }, 'could not read partition ends for replay'));
    });
    return (topic, partition, offset) => {
      const key = `${topic}:${partition}`;
      seen.set(key, Number(offset));
      const target = pending.get(key);
      if (target !== undefined && Number(offset) + 1 >= target) {
        pending.delete(key);
        done();
      }
    };
  }

  private async deliver(
    serde: ContractSerde,
    topic: TopicName,
    partition: number,
    message: KafkaMessage,
    options: SubscribeOptions,
  ): Promise<void> {
    const key = message.key === null ? '' : message.key.toString('utf8');
    let value: unknown;
    try {
      if (message.value === null) throw new DecodeError(topic, 'null value (tombstone)');
      value = await serde.decode(topic, message.value);
    } catch (err) {
      if (err instanceof DecodeError || err instanceof ContractError) {
        await this.deadLetter(
          topic,
          partition,
          message,
          err instanceof DecodeError ? 'undecodable' : 'contract-violation',
          err,
        );
        return;
      }
      throw err; // registry unreachable: let kafkajs retry this message instead of parking good data
    }
    const busMessage = {
      topic,
      key,
      value,
      partition,
      offset: message.offset,
      timestamp: Number(message.timestamp),
    } as BusMessage;
    try {
      await options.handler(busMessage);
    } catch (err) {
      await this.deadLetter(topic, partition, message, 'handler-error', err);
    }
  }

  private async deadLetter(
    topic: TopicName,
    partition: number,
    message: KafkaMessage,
    reason: DlqReason,
    err: unknown,
  ): Promise<void> {
    const headers: IHeaders = {
      ...message.headers,
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.error]: err instanceof Error ? err.message : String(err),
      [DLQ_HEADERS.topic]: topic,
      [DLQ_HEADERS.partition]: String(partition),
      [DLQ_HEADERS.offset]: message.offset,
      [DLQ_HEADERS.time]: String(Date.now()),
    };
    await this.producer.send({
      topic: dlqTopic(topic),
      messages: [{ key: message.key, value: message.value, headers }],
    });
    this.options.logger.warn(
      { topic, partition, offset: message.offset, reason, err: headers[DLQ_HEADERS.error] },
      'record sent to DLQ',
    );
    this.options.onDeadLetter?.(topic, reason);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const consumer of this.consumers) await consumer.disconnect().catch(() => undefined);
      this.consumers.clear();
      await this.producer.disconnect();
    })();
    return this.stopping;
  }
}

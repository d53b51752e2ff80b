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
  type KafkaMessage,
  type LogEntry,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type { KafkaConfig } from './kafka-config';
import {
  subscribedTopics,
  type Bus,
  type BusMessage,
  type OutgoingRecord,
  type SubscribeOptions,
  type Subscription,
} from './port';
import { CoPartitionedAssigner } from './co-partitioned-assigner';
import { ensureTopics } from './topic-admin';
import { KafkaLogGate } from './log-gate';

/** Headers a DLQ record carries, so an operator can find and replay the original. */
export const DLQ_HEADERS = {
  reason: 'dlq.reason',
  error: 'dlq.error',
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
  time: 'dlq.time',
  group: 'dlq.group',
} as const;

/** One partition's restore: offsets [start, end) as they stood at assignment, records stamped from `cutoff`. */
interface RestoreRange {
  start: number;
  end: number;
  cutoff: number;
}

/** Where each assigned partition's restore starts and ends, and the group's committed offsets. */
interface RestorePlan {
  partitions: { topic: string; partition: number; start: string; end: number; cutoff: number }[];
  committed: Map<string, number>;
  records: number;
}

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
  /**
   * Static group membership (KIP-345, via patches/kafkajs): the name of this instance in every
   * consumer group it joins, unique among the live members and the same across its restarts. A
   * replacement that joins under the name of a member that died takes over its partitions at
   * once instead of waiting for the dead one's session (30 s) to expire; so does this process's
   * own consumer when it restarts after a broker outage. A second live process under the same
   * name is not fatal: the one it displaced goes on as a dynamic member. Unset: dynamic.
   */
  groupInstanceId?: string;
}

/**
 * Retry settings of every client, set explicitly: kafkajs's own defaults differ by NODE_ENV
 * (under Jest a 1 s backoff cap; in production 30 s), which is why a broker outage cost in-process
 * tests under a second after the broker's return and real processes 30 s. Capped at 1 s, a
 * client that is backing off tries again within a second of the broker answering.
 */
export const KAFKA_RETRY = { initialRetryTime: 200, maxRetryTime: 1_000, factor: 0.2, multiplier: 2, retries: 15 };
/** The idempotent producer retries until the brokers answer (fewer may reorder or lose a batch). */
const PRODUCER_RETRY = { ...KAFKA_RETRY, retries: Number.MAX_SAFE_INTEGER };

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

export function createKafka(
  options: Pick<KafkaBusOptions, 'config' | 'clientId' | 'logger'>,
  gate: KafkaLogGate = new KafkaLogGate(options.logger),
): Kafka {
  const { config } = options;
  const sasl = saslOptions(config);
  return new Kafka({
    clientId: config.KAFKA_CLIENT_ID ?? options.clientId,
    brokers: config.KAFKA_BROKERS,
    ssl: config.KAFKA_SSL,
    ...(sasl === undefined ? {} : { sasl }),
    retry: KAFKA_RETRY,
    logLevel: logLevel.INFO,
    logCreator: () => (entry: LogEntry) => gate.entry(entry.level, entry.log),
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
  /**
   * Per consumer group, the committed offset of each partition (`topic:partition`) when its last
   * rebuild began: records below it were read live before, and parked then if they were poison.
   */
  private readonly committed = new Map<string, Map<string, number>>();
  /** When a consumer of this bus last completed a fetch (the brokers answered it). */
  private lastFetch = 0;
  /** Why the last publish failed, until one succeeds. */
  private publishFailure: string | undefined;

  /** kafkajs's log lines, with a broker outage collapsed into a few of them. */
  private readonly logGate: KafkaLogGate;

  constructor(private readonly options: KafkaBusOptions) {
    this.logGate = new KafkaLogGate(options.logger);
    this.kafka = createKafka(options, this.logGate);
    // Idempotence needs a single in-flight request per connection; more reorders retried batches.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: PRODUCER_RETRY,
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
    try {
      await this.producer.send({ topic, messages });
      this.publishFailure = undefined;
      this.logGate.reachable();
    } catch (err) {
      this.publishFailure = `publishing to ${topic} failed: ${err instanceof Error ? err.message : String(err)}`;
      throw err;
    }
  }

  /**
   * Whether this bus can produce and consume now: not after a publish failed (until one succeeds),
   * nor while its consumers have had no fetch answered for `staleMs` (an idle consumer fetches
   * every 500 ms, so silence means the brokers are away). For /readyz.
   */
  health(staleMs = 10_000, now: number = Date.now()): { ok: boolean; detail: string } {
    if (this.publishFailure !== undefined) return { ok: false, detail: this.publishFailure };
    if (this.consumers.size > 0 && this.lastFetch > 0 && now - this.lastFetch > staleMs)
      return {
        ok: false,
        detail: `no fetch answered by the brokers for ${Math.round((now - this.lastFetch) / 1000)} s`,
      };
    return { ok: true, detail: 'producing and consuming' };
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const serde = this.requireSerde();
    // A short fetch wait bounds how long an idle consumer takes to notice a stop (and to report
    // itself live); fetches still return the moment data arrives, so latency is unaffected.
    const groupInstanceId = this.options.groupInstanceId;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      ...(groupInstanceId === undefined ? {} : { groupInstanceId }),
      maxWaitTimeInMs: 500,
      retry: KAFKA_RETRY,
      partitionAssigners: [CoPartitionedAssigner],
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({
      topics: [...subscribedTopics(options)],
      fromBeginning: options.fromBeginning === true || options.replay === true,
    });
    const catchUp = options.replay === true ? this.replayOnAssignment(consumer, options) : undefined;
    if (options.onAssigned !== undefined) {
      const onAssigned = options.onAssigned;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        onAssigned(new Map(Object.entries(payload.memberAssignment as Record<string, number[]>)));
      });
    }
    consumer.on(consumer.events.FETCH, () => {
      this.lastFetch = Date.now();
      this.logGate.reachable();
    });
    // Live = joined the group and completed one fetch, so the start offsets are resolved.
    const live = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.FETCH, () => {
        off();
        resolve();
      });
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const delivered =
          catchUp === undefined || (await catchUp.admits(topic, partition, message))
            ? await this.deliver(serde, topic as TopicName, partition, message, options)
            : undefined;
        catchUp?.read(topic, partition, message.offset, delivered);
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
   * On every assignment: pause the assigned partitions, find where each one's state begins (its
   * oldest record, or the first one inside the topic's lookback) and where it ends now, seek there
   * and resume; `onCaughtUp` fires once every one of them has been read to its end (empty ones at
   * once). Also notes the group's committed offsets, below which a record was already read live
   * (and parked, if it was poison) before this rebuild. Returns the per-message progress hook.
   */
  private replayOnAssignment(
    consumer: Consumer,
    options: SubscribeOptions,
  ): {
    admits: (topic: string, partition: number, message: KafkaMessage) => Promise<boolean>;
    read: (topic: string, partition: number, offset: string, delivered: BusMessage | undefined) => void;
  } {
    let pending = new Map<string, number>();
    /** This generation's restore range per partition: checkpoint partitions are planned first. */
    let checkpointRanges: Promise<Map<string, RestoreRange>> = Promise.resolve(new Map());
    let inputRanges: Promise<Map<string, RestoreRange>> = Promise.resolve(new Map());
    let generation = 0;
    const done = (): void => {
      if (pending.size === 0) options.onCaughtUp?.();
    };
    /** Newest checkpoint position read per checkpoint partition in this generation. */
    let positions = new Map<number, number>();
    /** Resolves once the checkpoint partitions of this generation have been read to their end. */
    let checkpointsRead: () => void = () => undefined;
    const checkpointTopic = options.checkpoints?.topic;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assignment = Object.entries(payload.memberAssignment as Record<string, number[]>).filter(
        ([, partitions]) => partitions.length > 0,
      );
      const mine = ++generation;
      pending = new Map();
      positions = new Map();
      const topicPartitions = assignment.map(([topic, partitions]) => ({ topic, partitions }));
      // Fewer wasted fetches from the old positions while the new ones are looked up; records that
      // still arrive wait for the plan in `admits` and are dropped when they lie before it.
      consumer.pause(topicPartitions);
      const startedAt = Date.now();
      const checkpointParts = assignment.filter(([topic]) => topic === checkpointTopic);
      const inputParts = assignment.filter(([topic]) => topic !== checkpointTopic);
      let resolveCheckpoints: () => void = () => undefined;
      const checkpointsDone = new Promise<void>((resolve) => (resolveCheckpoints = resolve));
      checkpointsRead = resolveCheckpoints;
      const out = new Map<string, RestoreRange>();
      let checkpointsPlanned: () => void = () => undefined;
      checkpointRanges = new Promise<Map<string, RestoreRange>>((resolve) => (checkpointsPlanned = () => resolve(out)));
      const plan = async (): Promise<Map<string, RestoreRange>> => {
        const apply = (p: RestorePlan): void => {
          this.committed.set(
            options.groupId,
            new Map([...(this.committed.get(options.groupId) ?? []), ...p.committed]),
          );
          for (const { topic, partition, start, end, cutoff } of p.partitions) {
            consumer.seek({ topic, partition, offset: start });
            out.set(`${topic}:${partition}`, { start: Number(start), end, cutoff });
            if (end > Number(start)) pending.set(`${topic}:${partition}`, end);
          }
        };
        let records = 0;
        if (checkpointParts.length > 0) {
          const first = await this.restorePlan(options, checkpointParts, startedAt, () => undefined);
          if (mine !== generation) return out;
          apply(first);
          records += first.records;
          checkpointsPlanned();
          if (pending.size === 0) resolveCheckpoints();
          consumer.resume(checkpointParts.map(([topic, partitions]) => ({ topic, partitions })));
          await checkpointsDone;
          if (mine !== generation) return out;
        }
        const margin = options.checkpoints?.marginMs ?? 0;
        const inputs = await this.restorePlan(options, inputParts, startedAt, (topic, partition) => {
          const position = positions.get(partition);
          const lookback = options.lookbackMs?.[topic as TopicName];
          const since = position === undefined ? undefined : startedAt - (position - margin);
          if (since === undefined) return lookback;
          return lookback === undefined ? since : Math.min(since, lookback);
        });
        if (mine !== generation) return out;
        apply(inputs);
        records += inputs.records;
        consumer.resume(inputParts.map(([topic, partitions]) => ({ topic, partitions })));
        this.options.logger.debug(
          { groupId: options.groupId, records, checkpoints: positions.size, planMs: Date.now() - startedAt },
          'restoring state',
        );
        done();
        return out;
      };
      inputRanges = plan().catch((err: unknown) => {
        this.options.logger.error({ err, groupId: options.groupId }, 'could not plan the state restore');
        // Resumed anyway: from the committed offsets the service still works; it reports not ready.
        consumer.resume(topicPartitions);
        return new Map<string, RestoreRange>();
      });
      void inputRanges.then(() => checkpointsPlanned());
    });
    return {
      admits: async (topic, partition, message) => {
        const range = (await (topic === checkpointTopic ? checkpointRanges : inputRanges)).get(`${topic}:${partition}`);
        if (range === undefined) return true;
        const offset = Number(message.offset);
        // Within the restore, a record appended late with an older stamp is outside the lookback
        // too (offsets for times only finds the first record that new); live records all count.
        return offset >= range.start && (offset >= range.end || Number(message.timestamp) >= range.cutoff);
      },
      read: (topic, partition, offset, delivered) => {
        if (topic === checkpointTopic && delivered !== undefined && 'position' in delivered.value) {
          positions.set(partition, Math.max(positions.get(partition) ?? -Infinity, delivered.value.position));
        }
        const key = `${topic}:${partition}`;
        const target = pending.get(key);
        if (target !== undefined && Number(offset) + 1 >= target) {
          pending.delete(key);
          if (topic === checkpointTopic) {
            if (![...pending.keys()].some((k) => k.startsWith(`${checkpointTopic}:`))) checkpointsRead();
          } else done();
        }
      },
    };
  }

  /** Where each assigned partition's restore starts and ends, and the group's committed offsets. */
  private async restorePlan(
    options: SubscribeOptions,
    assignment: readonly (readonly [string, number[]])[],
    now: number,
    lookbackOf: (topic: string, partition: number) => number | undefined = (topic) =>
      options.lookbackMs?.[topic as TopicName],
  ): Promise<RestorePlan> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const partitions: RestorePlan['partitions'] = [];
      let records = 0;
      for (const [topic, owned] of assignment) {
        const ends = await admin.fetchTopicOffsets(topic);
        /** Offsets for times, one lookup per distinct cutoff (partitions may differ, by their checkpoints). */
        const byTime = new Map<number, Map<number, string>>();
        for (const o of ends) {
          if (!owned.includes(o.partition)) continue;
          const lookback = lookbackOf(topic, o.partition);
          const cutoff = lookback === undefined || !Number.isFinite(lookback) ? -Infinity : now - lookback;
          let start = o.low;
          if (cutoff > -Infinity) {
            let found = byTime.get(cutoff);
            if (found === undefined) {
              found = new Map(
                (await admin.fetchTopicOffsetsByTimestamp(topic, cutoff)).map((f) => [f.partition, f.offset]),
              );
              byTime.set(cutoff, found);
            }
            const timed = Number(found.get(o.partition) ?? -1);
            // -1: no record that new; the restore of this partition is empty.
            start = timed < 0 ? o.high : String(Math.max(timed, Number(o.low)));
          }
          const high = Number(o.high);
          partitions.push({ topic, partition: o.partition, start, end: high, cutoff });
          records += Math.max(0, high - Number(start));
        }
      }
      const committed = new Map<string, number>();
      const offsets = await admin.fetchOffsets({ groupId: options.groupId, topics: assignment.map(([t]) => t) });
      for (const { topic, partitions: ps } of offsets)
        for (const p of ps) if (Number(p.offset) >= 0) committed.set(`${topic}:${p.partition}`, Number(p.offset));
      return { partitions, committed, records };
    } finally {
      await admin.disconnect();
    }
  }

  private async deliver(
    serde: ContractSerde,
    topic: TopicName,
    partition: number,
    message: KafkaMessage,
    options: SubscribeOptions,
  ): Promise<BusMessage | undefined> {
    const key = message.key === null ? '' : message.key.toString('utf8');
    let value: unknown;
    try {
      if (message.value === null) throw new DecodeError(topic, 'null value (tombstone)');
      value = await serde.decode(topic, message.value);
    } catch (err) {
      if (err instanceof DecodeError || err instanceof ContractError) {
        await this.deadLetter(
          options.groupId,
          topic,
          partition,
          message,
          err instanceof DecodeError ? 'undecodable' : 'contract-violation',
          err,
        );
        return undefined;
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
      await this.deadLetter(options.groupId, topic, partition, message, 'handler-error', err);
    }
    return busMessage;
  }

  /**
   * Parks a record in `<topic>.dlq` once per source offset and consumer group: a record below the
   * group's committed offset was parked when it was first read, so a rebuild that reads it again
   * only counts it.
   */
  private async deadLetter(
    groupId: string,
    topic: TopicName,
    partition: number,
    message: KafkaMessage,
    reason: DlqReason,
    err: unknown,
  ): Promise<void> {
    const committed = this.committed.get(groupId)?.get(`${topic}:${partition}`);
    if (committed !== undefined && Number(message.offset) < committed) {
      this.options.logger.debug(
        { topic, partition, offset: message.offset, groupId, reason },
        'record already parked by this group; not parked again',
      );
      return;
    }
    const headers: IHeaders = {
      ...message.headers,
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.error]: err instanceof Error ? err.message : String(err),
      [DLQ_HEADERS.topic]: topic,
      [DLQ_HEADERS.partition]: String(partition),
      [DLQ_HEADERS.offset]: message.offset,
      [DLQ_HEADERS.time]: String(Date.now()),
      [DLQ_HEADERS.group]: groupId,
    };
    await this.producer.send({
      topic: dlqTopic(topic),
      messages: [{ key: message.key, value: message.value, headers }],
    });
    this.options.logger.warn(
      { topic, partition, offset: message.offset, reason, groupId, err: headers[DLQ_HEADERS.error] },
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

import type { TopicName, TopicValues } from '@marketpipe/contracts';

/** One record to publish: keyed by the unified symbol (or underlying). */
export interface OutgoingRecord<T extends TopicName> {
  key: string;
  value: TopicValues[T];
}

/** A record as a consumer sees it, typed by its topic. */
export type BusMessage = {
  [T in TopicName]: {
    topic: T;
    key: string;
    value: TopicValues[T];
    partition: number;
    /** Position in the partition, as Kafka reports it (a decimal string: offsets exceed 2^53). */
    offset: string;
    /** Broker/append time, epoch ms. */
    timestamp: number;
  };
}[TopicName];

export interface SubscribeOptions {
  /** Consumers in one group share the partitions; each group gets every record. */
  groupId: string;
  topics: readonly TopicName[];
  /** Without committed offsets, start at the oldest retained record instead of only new ones. */
  fromBeginning?: boolean;
  /**
   * Rebuild: whatever the group committed, read every retained record of each assigned partition
   * from the start — at start-up and again after every reassignment — so state is rebuilt from the
   * topics instead of resuming half-empty.
   */
  replay?: boolean;
  /** With `replay`: called when every assigned partition has been read up to where it stood at assignment. */
  onCaughtUp?: () => void;
  /** The partitions of each topic this member now owns (after every rebalance). */
  onAssigned?: (assignment: ReadonlyMap<string, readonly number[]>) => void;
  /** Called once per record, in order per partition; a throw parks the record in the DLQ. */
  handler: (message: BusMessage) => Promise<void> | void;
}

export interface Subscription {
  stop(): Promise<void>;
}

/**
 * The one way services talk to each other. Two adapters implement it: Kafka (Avro with the schema
 * registry) for the distributed mode and in-memory for the embedded default, so every line of
 * service logic runs unchanged in both. Both enforce the topic contracts on publish.
 */
export interface Bus {
  readonly kind: 'kafka' | 'memory';
  start(): Promise<void>;
  /** Validates every record first: one invalid record rejects the whole batch with a ContractError. */
  publish<T extends TopicName>(topic: T, records: readonly OutgoingRecord<T>[]): Promise<void>;
  /** Resolves once the subscription is live: records published afterwards are delivered. */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Flushes and disconnects; idempotent. */
  stop(): Promise<void>;
}

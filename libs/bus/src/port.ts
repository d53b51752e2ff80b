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
  /**
   * With `replay`: how far back the state reaches in each topic, in ms before the assignment. A
   * topic named here is read from its first record stamped at or after `now − lookback` (offsets
   * for times, an index lookup on the broker), so a restore costs what the state needs, not what
   * the topic retains; a topic not named is read from its oldest retained record. State that
   * needs only the newest record per key of a compacted topic names its stale horizon here, and
   * compaction bounds what lies within it to about one record per key plus the dirty tail.
   */
  lookbackMs?: Partial<Record<TopicName, number>>;
  /**
   * With `replay`: the stage's own checkpoint topic (StateCheckpoint records, co-partitioned with
   * the inputs). At every assignment each assigned partition of it is read to its end first and
   * handed to `handler`; then each input partition is read from the newest checkpoint `position`
   * on that partition less `marginMs` (but never from before its lookback), so a restore replays
   * what happened since the last checkpoint, not the whole horizon of the state.
   */
  checkpoints?: { topic: TopicName; marginMs: number };
  /** With `replay`: called when every assigned partition has been read up to where it stood at assignment. */
  onCaughtUp?: () => void;
  /** The partitions of each topic this member now owns (after every rebalance). */
  onAssigned?: (assignment: ReadonlyMap<string, readonly number[]>) => void;
  /** Called once per record, in order per partition; a throw parks the record in the DLQ. */
  handler: (message: BusMessage) => Promise<void> | void;
}

/** Every topic a subscription reads: its checkpoint topic (if any) first, then its inputs. */
export function subscribedTopics(options: Pick<SubscribeOptions, 'topics' | 'checkpoints'>): readonly TopicName[] {
  const cp = options.checkpoints?.topic;
  return cp === undefined || options.topics.includes(cp) ? options.topics : [cp, ...options.topics];
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

import { ContractError, contractViolation, type TopicName } from '@marketpipe/contracts';
import {
  subscribedTopics,
  type Bus,
  type BusMessage,
  type OutgoingRecord,
  type SubscribeOptions,
  type Subscription,
} from './port';

interface StoredMessage {
  key: string;
  value: unknown;
  offset: number;
  timestamp: number;
}

interface TopicLog {
  messages: StoredMessage[];
  /** Offset of messages[0]; grows as old records are trimmed. */
  firstOffset: number;
  nextOffset: number;
}

interface Member {
  options: SubscribeOptions;
  /** Next offset to deliver, per topic. */
  positions: Map<TopicName, number>;
  running: boolean;
  stopped: boolean;
  /** Offsets to reach per topic before onCaughtUp fires; cleared once it has. */
  catchUp: Map<TopicName, number> | undefined;
}

export interface MemoryBusOptions {
  /** Records kept per topic for late `fromBeginning` subscribers (bounded memory). */
  retainPerTopic?: number;
  /** Receives handler failures (the Kafka adapter sends them to the DLQ). */
  onHandlerError?: (topic: TopicName, key: string, err: unknown) => void;
  /**
   * Told when a consumer group fell so far behind that records it had not read were trimmed from
   * the log (as Kafka's retention would): they are lost to that group, and this says how many.
   */
  onSkipped?: (groupId: string, topic: TopicName, count: number) => void;
}

/** Offset of the first retained record stamped at or after `time` (the log is in time order). */
function firstAtOrAfter(log: TopicLog, time: number): number {
  let lo = 0;
  let hi = log.messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((log.messages[mid] as StoredMessage).timestamp < time) lo = mid + 1;
    else hi = mid;
  }
  return log.firstOffset + lo;
}

/**
 * The in-process adapter: one partition per topic, an append-only bounded log, one member per
 * consumer group. Delivery is asynchronous and ordered, like Kafka's per-partition order, so a
 * publisher never re-enters its own subscribers.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly logs = new Map<TopicName, TopicLog>();
  private readonly groups = new Map<string, Member>();
  private readonly retain: number;
  private stopped = false;

  constructor(private readonly options: MemoryBusOptions = {}) {
    this.retain = options.retainPerTopic ?? 100_000;
  }

  async start(): Promise<void> {
    this.stopped = false;
  }

  private log(topic: TopicName): TopicLog {
    let log = this.logs.get(topic);
    if (log === undefined) {
      log = { messages: [], firstOffset: 0, nextOffset: 0 };
      this.logs.set(topic, log);
    }
    return log;
  }

  async publish<T extends TopicName>(topic: T, records: readonly OutgoingRecord<T>[]): Promise<void> {
    if (this.stopped) throw new Error('memory bus is stopped');
    for (const record of records) {
      const problem = contractViolation(topic, record.value);
      if (problem !== undefined) throw new ContractError(topic, problem);
    }
    const log = this.log(topic);
    const now = Date.now();
    for (const record of records) {
      log.messages.push({ key: record.key, value: record.value, offset: log.nextOffset++, timestamp: now });
    }
    if (log.messages.length > this.retain) {
      const drop = log.messages.length - this.retain;
      log.messages.splice(0, drop);
      log.firstOffset += drop;
    }
    for (const member of this.groups.values()) {
      if (member.options.topics.includes(topic)) this.schedule(member);
    }
  }

  async subscribe(subscribed: SubscribeOptions): Promise<Subscription> {
    // The checkpoint topic is read first: drain walks the topics in order.
    const options: SubscribeOptions = { ...subscribed, topics: subscribedTopics(subscribed) };
    if (this.groups.has(options.groupId)) {
      throw new Error(`memory bus: consumer group ${options.groupId} already has a member (one member per group)`);
    }
    const positions = new Map<TopicName, number>();
    const now = Date.now();
    for (const topic of options.topics) {
      const log = this.log(topic);
      const fromStart = options.fromBeginning === true || options.replay === true;
      const lookback = options.replay === true ? options.lookbackMs?.[topic] : undefined;
      positions.set(
        topic,
        !fromStart ? log.nextOffset : lookback === undefined ? log.firstOffset : firstAtOrAfter(log, now - lookback),
      );
    }
    const catchUp =
      options.replay === true ? new Map(options.topics.map((t) => [t, this.log(t).nextOffset])) : undefined;
    const member: Member = { options, positions, running: false, stopped: false, catchUp };
    this.groups.set(options.groupId, member);
    options.onAssigned?.(new Map(options.topics.map((t) => [t, [0]])));
    this.schedule(member);
    return {
      stop: async () => {
        member.stopped = true;
        this.groups.delete(options.groupId);
      },
    };
  }

  private schedule(member: Member): void {
    if (member.running || member.stopped) return;
    member.running = true;
    setImmediate(() => {
      this.drain(member).finally(() => {
        member.running = false;
        if (!member.stopped && this.hasPending(member)) this.schedule(member);
      });
    });
  }

  private hasPending(member: Member): boolean {
    for (const [topic, position] of member.positions) if (position < this.log(topic).nextOffset) return true;
    return false;
  }

  private async drain(member: Member): Promise<void> {
    for (const topic of member.options.topics) {
      const log = this.log(topic);
      let position = member.positions.get(topic) ?? 0;
      while (!member.stopped && position < log.nextOffset) {
        // Checked before every record: the log may have been trimmed while a handler awaited.
        if (position < log.firstOffset) {
          this.options.onSkipped?.(member.options.groupId, topic, log.firstOffset - position);
          position = log.firstOffset;
          member.positions.set(topic, position);
        }
        const stored = log.messages[position - log.firstOffset] as StoredMessage;
        position++;
        member.positions.set(topic, position);
        const message = {
          topic,
          key: stored.key,
          value: stored.value,
          partition: 0,
          offset: String(stored.offset),
          timestamp: stored.timestamp,
        } as BusMessage;
        try {
          await member.options.handler(message);
        } catch (err) {
          this.options.onHandlerError?.(topic, stored.key, err);
        }
      }
    }
    if (
      member.catchUp !== undefined &&
      [...member.catchUp].every(([t, target]) => (member.positions.get(t) ?? 0) >= target)
    ) {
      member.catchUp = undefined;
      member.options.onCaughtUp?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const member of this.groups.values()) member.stopped = true;
    this.groups.clear();
  }
}

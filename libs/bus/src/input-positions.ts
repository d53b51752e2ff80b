import type { BusMessage } from './port';

/**
 * How far a stage has read its inputs, per partition, for the `position` of its checkpoints: the
 * broker time of the newest record read on each input topic, and per partition the least of them
 * (a topic that lags behind another holds the position back, so a restore from it misses nothing
 * of either). A topic that has delivered nothing on a partition does not count.
 */
export class InputPositions {
  private readonly newest = new Map<number, Map<string, number>>();

  observe(m: Pick<BusMessage, 'topic' | 'partition' | 'timestamp'>): void {
    let topics = this.newest.get(m.partition);
    if (topics === undefined) {
      topics = new Map();
      this.newest.set(m.partition, topics);
    }
    if (m.timestamp > (topics.get(m.topic) ?? -Infinity)) topics.set(m.topic, m.timestamp);
  }

  /** Broker time up to which every input of `partition` has been read; undefined before any record. */
  position(partition: number): number | undefined {
    const topics = this.newest.get(partition);
    if (topics === undefined || topics.size === 0) return undefined;
    return Math.min(...topics.values());
  }

  /** Forgets partitions this member no longer owns (after a rebalance). */
  retain(partitions: ReadonlySet<number>): void {
    for (const p of this.newest.keys()) if (!partitions.has(p)) this.newest.delete(p);
  }
}

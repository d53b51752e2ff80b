import { ALL_TOPICS, dlqTopic, TOPIC_RETENTION, type TopicName } from '@marketpipe/contracts';
import type { Admin, ITopicConfig } from 'kafkajs';

export interface TopicLayout {
  partitions: number;
  replicationFactor: number;
}

/** The topic configurations marketpipe needs: each contract topic and its DLQ. */
export function topicConfigs(layout: TopicLayout, topics: readonly TopicName[] = ALL_TOPICS): ITopicConfig[] {
  const out: ITopicConfig[] = [];
  for (const topic of topics) {
    const retention = TOPIC_RETENTION[topic];
    out.push({
      topic,
      numPartitions: layout.partitions,
      replicationFactor: layout.replicationFactor,
      configEntries: [
        { name: 'cleanup.policy', value: retention.cleanupPolicy },
        { name: 'retention.ms', value: String(retention.retentionMs) },
      ],
    });
    out.push({
      topic: dlqTopic(topic),
      numPartitions: 1,
      replicationFactor: layout.replicationFactor,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: String(14 * 24 * 3600_000) },
      ],
    });
  }
  return out;
}

/**
 * Creates the missing topics. Existing ones are left as they are, but an input topic whose
 * partition count differs from the layout is reported: co-partitioning by symbol is what lets one
 * consolidator instance see every source of its symbols.
 */
export async function ensureTopics(
  admin: Admin,
  layout: TopicLayout,
  topics: readonly TopicName[] = ALL_TOPICS,
): Promise<{ created: string[]; mismatched: string[] }> {
  const wanted = topicConfigs(layout, topics);
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  const mismatched: string[] = [];
  const present = topics.filter((t) => existing.has(t));
  if (present.length > 0) {
    const meta = await admin.fetchTopicMetadata({ topics: [...present] });
    for (const t of meta.topics) {
      if (t.partitions.length !== layout.partitions)
        mismatched.push(`${t.name} has ${t.partitions.length} partitions, expected ${layout.partitions}`);
    }
  }
  return { created: missing.map((t) => t.topic), mismatched };
}

import {
  ALL_TOPICS,
  DLQ_POLICY,
  dlqTopic,
  isTopicName,
  TOPIC_POLICY,
  topicConfigEntries,
  type TopicName,
} from '@marketpipe/contracts';
import { ConfigResourceTypes, ConfigSource, type Admin, type ITopicConfig } from 'kafkajs';

export interface TopicLayout {
  partitions: number;
  replicationFactor: number;
}

/** The topic configurations marketpipe needs: each contract topic and its DLQ. */
export function topicConfigs(layout: TopicLayout, topics: readonly TopicName[] = ALL_TOPICS): ITopicConfig[] {
  const out: ITopicConfig[] = [];
  for (const topic of topics) {
    out.push({
      topic,
      numPartitions: layout.partitions,
      replicationFactor: layout.replicationFactor,
      configEntries: topicConfigEntries(TOPIC_POLICY[topic]),
    });
    out.push({
      topic: dlqTopic(topic),
      numPartitions: 1,
      replicationFactor: layout.replicationFactor,
      configEntries: topicConfigEntries(DLQ_POLICY),
    });
  }
  return out;
}

/**
 * Creates the missing topics. Existing ones are left as they are, but reported when they differ:
 * an input topic whose partition count differs from the layout (co-partitioning by symbol is what
 * lets one consolidator instance see every source of its symbols), and a topic whose retention or
 * compaction configs differ from its policy (compaction that never runs makes every restart read
 * the whole retention). `marketpipe topics --create` aligns the configs; a service only warns.
 */
export async function ensureTopics(
  admin: Admin,
  layout: TopicLayout,
  topics: readonly TopicName[] = ALL_TOPICS,
): Promise<{ created: string[]; mismatched: string[]; misconfigured: string[] }> {
  const wanted = topicConfigs(layout, topics);
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  const mismatched: string[] = [];
  const misconfigured: string[] = [];
  const present = wanted.filter((t) => existing.has(t.topic));
  if (present.length > 0) {
    for (const s of await inspectTopics(admin, present)) {
      if (isTopicName(s.topic) && s.partitions !== layout.partitions)
        mismatched.push(`${s.topic} has ${s.partitions} partitions, expected ${layout.partitions}`);
      const diff = Object.entries(s.configDiff);
      if (diff.length > 0)
        misconfigured.push(
          `${s.topic}: ${diff.map(([name, [found, want]]) => `${name}=${found ?? 'default'} (want ${want})`).join(', ')}`,
        );
    }
  }
  return { created: missing.map((t) => t.topic), mismatched, misconfigured };
}

/** One topic as found on the cluster, beside what marketpipe wants. */
export interface TopicStatus {
  topic: string;
  exists: boolean;
  partitions: number | null;
  wantedPartitions: number;
  /** Config entries that differ: name → [found, wanted]. */
  configDiff: Record<string, [string | null, string]>;
  /** Every entry set on the topic itself (kept when aligning: AlterConfigs replaces the whole set). */
  overrides: Record<string, string>;
}

/**
 * Reads each wanted topic's partition count and the config entries it should carry (as
 * topicConfigs describes them: a DLQ keeps one partition whatever the layout says).
 */
export async function inspectTopics(admin: Admin, wanted: readonly ITopicConfig[]): Promise<TopicStatus[]> {
  const existing = new Set(await admin.listTopics());
  const present = wanted.filter((t) => existing.has(t.topic)).map((t) => t.topic);
  const partitions = new Map<string, number>();
  const configs = new Map<string, Map<string, string>>();
  const overrides = new Map<string, Record<string, string>>();
  if (present.length > 0) {
    const meta = await admin.fetchTopicMetadata({ topics: present });
    for (const t of meta.topics) partitions.set(t.name, t.partitions.length);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    });
    for (const r of described.resources) {
      configs.set(r.resourceName, new Map(r.configEntries.map((e) => [e.configName, e.configValue])));
      overrides.set(
        r.resourceName,
        Object.fromEntries(
          r.configEntries
            .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG)
            .map((e) => [e.configName, e.configValue]),
        ),
      );
    }
  }
  return wanted.map((w) => {
    const found = configs.get(w.topic);
    const configDiff: Record<string, [string | null, string]> = {};
    if (existing.has(w.topic)) {
      for (const { name, value } of w.configEntries ?? []) {
        const actual = found?.get(name) ?? null;
        if (actual !== value) configDiff[name] = [actual, value];
      }
    }
    return {
      topic: w.topic,
      exists: existing.has(w.topic),
      partitions: partitions.get(w.topic) ?? null,
      wantedPartitions: w.numPartitions ?? -1,
      configDiff,
      overrides: overrides.get(w.topic) ?? {},
    };
  });
}

/** Sets the config entries inspectTopics found different (partition counts are never changed). */
export async function alignTopicConfigs(admin: Admin, statuses: readonly TopicStatus[]): Promise<string[]> {
  const fix = statuses.filter((s) => s.exists && Object.keys(s.configDiff).length > 0);
  if (fix.length === 0) return [];
  await admin.alterConfigs({
    validateOnly: false,
    resources: fix.map((s) => ({
      type: ConfigResourceTypes.TOPIC,
      name: s.topic,
      configEntries: Object.entries({
        ...s.overrides,
        ...Object.fromEntries(Object.entries(s.configDiff).map(([name, [, value]]) => [name, value])),
      }).map(([name, value]) => ({ name, value })),
    })),
  });
  return fix.map((s) => s.topic);
}

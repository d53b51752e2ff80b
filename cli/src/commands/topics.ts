import {
  alignTopicConfigs,
  createKafka,
  ensureTopics,
  inspectTopics,
  KAFKA_CONFIG,
  topicConfigs,
  type TopicStatus,
} from '@marketpipe/bus';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import type { Output } from '../output';

/** What is wrong with a topic, in words; empty when it is as marketpipe wants it. */
export function topicProblems(s: TopicStatus): string[] {
  if (!s.exists) return ['missing'];
  const out: string[] = [];
  if (s.partitions !== s.wantedPartitions) out.push(`${s.partitions} partitions, want ${s.wantedPartitions}`);
  for (const [name, [found, wanted]] of Object.entries(s.configDiff))
    out.push(`${name}=${found ?? 'default'}, want ${wanted}`);
  return out;
}

export function renderTopics(statuses: readonly TopicStatus[]): string[] {
  const width = Math.max(...statuses.map((s) => s.topic.length), 5);
  const lines = [`${'TOPIC'.padEnd(width)}  PARTITIONS  STATUS`];
  for (const s of statuses) {
    const problems = topicProblems(s);
    lines.push(
      `${s.topic.padEnd(width)}  ${String(s.partitions ?? '–').padStart(10)}  ${problems.length === 0 ? 'ok' : problems.join('; ')}`,
    );
  }
  return lines;
}

/**
 * Inspects (and with --create, creates and aligns) every topic. Exits 1 while a topic is missing
 * or differs, so a deploy script can gate on it. Partition counts are reported, never changed:
 * adding partitions moves keys and breaks the per-symbol co-partitioning.
 */
export async function topicsCommand(
  cmd: { create: boolean; json: boolean },
  env: NodeJS.ProcessEnv,
  output: Output,
): Promise<number> {
  const config = parseConfig(KAFKA_CONFIG, env);
  const logger = createLogger('marketpipe-cli', 'warn', process.stderr);
  const admin = createKafka({ config, clientId: 'marketpipe-cli', logger }).admin();
  const layout = { partitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR };
  await admin.connect();
  try {
    if (cmd.create) {
      const { created } = await ensureTopics(admin, layout);
      if (created.length > 0) output.err(`created ${created.length} topics: ${created.join(', ')}`);
      const aligned = await alignTopicConfigs(admin, await inspectTopics(admin, topicConfigs(layout)));
      if (aligned.length > 0) output.err(`aligned configs of ${aligned.join(', ')}`);
    }
    const statuses = await inspectTopics(admin, topicConfigs(layout));
    if (cmd.json) for (const s of statuses) output.out(JSON.stringify({ ...s, problems: topicProblems(s) }));
    else for (const line of renderTopics(statuses)) output.out(line);
    return statuses.every((s) => topicProblems(s).length === 0) ? 0 : 1;
  } finally {
    await admin.disconnect();
  }
}

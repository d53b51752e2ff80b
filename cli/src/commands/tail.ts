import { createKafka, KAFKA_CONFIG, registryConfig } from '@marketpipe/bus';
import {
  ALL_TOPICS,
  ContractSerde,
  createRegistryClient,
  dlqTopic,
  isTopicName,
  type TopicName,
} from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { Output } from '../output';

/** The decoded value of a contract topic, or the raw bytes and DLQ headers of a dead letter. */
export type TailTarget = { kind: 'contract'; topic: TopicName } | { kind: 'dlq'; topic: string };

export function tailTarget(topic: string): TailTarget {
  if (isTopicName(topic)) return { kind: 'contract', topic };
  if (ALL_TOPICS.some((t) => dlqTopic(t) === topic)) return { kind: 'dlq', topic };
  throw new Error(`unknown topic "${topic}"; marketpipe topics are ${ALL_TOPICS.join(', ')} and their .dlq`);
}

function headers(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((x) => x.toString()).join(',') : v.toString();
  }
  return out;
}

/** One JSON line per record: where it sits, its key, and the value decoded against its schema. */
export async function tailLine(
  target: TailTarget,
  partition: number,
  message: KafkaMessage,
  serde: ContractSerde,
): Promise<string> {
  const meta = {
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key?.toString('utf8') ?? null,
  };
  if (target.kind === 'dlq') {
    return JSON.stringify({
      ...meta,
      headers: headers(message.headers),
      valueBase64: message.value?.toString('base64') ?? null,
    });
  }
  if (message.value === null) return JSON.stringify({ ...meta, value: null });
  const value = await serde.decode(target.topic, message.value);
  return JSON.stringify({ ...meta, value });
}

export async function tailCommand(
  cmd: { topic: string; fromBeginning: boolean; max: number | null; key: string | null },
  env: NodeJS.ProcessEnv,
  output: Output,
  signal: AbortSignal,
): Promise<number> {
  const target = tailTarget(cmd.topic);
  const config = parseConfig(KAFKA_CONFIG, env);
  const logger = createLogger('marketpipe-cli', 'warn', process.stderr);
  const kafka = createKafka({ config, clientId: 'marketpipe-cli', logger });
  const serde = new ContractSerde(createRegistryClient(registryConfig(config)), new Map());
  // A throw-away group: the tail never commits, and the group is deleted on the way out.
  const groupId = `marketpipe-cli-tail-${process.pid}-${Date.now()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  let seen = 0;
  let undecodable = 0;
  const done = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  let finish: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => (finish = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [cmd.topic], fromBeginning: cmd.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (cmd.max !== null && seen >= cmd.max) return;
        if (cmd.key !== null && message.key?.toString('utf8') !== cmd.key) return;
        try {
          output.out(await tailLine(target, partition, message, serde));
        } catch (err) {
          undecodable++;
          output.err(`${cmd.topic} partition ${partition} offset ${message.offset}: ${(err as Error).message}`);
        }
        seen++;
        if (cmd.max !== null && seen >= cmd.max) finish();
      },
    });
    await Promise.race([done, enough]);
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect());
  }
  return undecodable > 0 ? 1 : 0;
}

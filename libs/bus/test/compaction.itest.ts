// The latest-state topic policy on a real broker: with its segment and cleaner settings, two hours
// of records for 200 keys compact to about one record per key plus the active segment, within the
// cleaner's own cadence. With Kafka's defaults (segment.ms 7 days) none of it would be cleaned.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { TOPIC_POLICY, TOPICS, topicConfigEntries } from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { ConfigResourceTypes, Partitioners, type Admin } from 'kafkajs';
import { globalMetrics } from '../../contracts/test/samples';
import {
  alignTopicConfigs,
  createKafka,
  ensureTopics,
  inspectTopics,
  KAFKA_CONFIG,
  KafkaBus,
  topicConfigs,
} from '../src';

const logger = createLogger('compaction-itest', 'silent');
const KEYS = 200;
const MINUTES = 120;

/** Every record of `topic` from the start, in order per partition: key → values. */
async function readAll(admin: Admin, topic: string): Promise<{ count: number; last: Map<string, string> }> {
  const ends = await admin.fetchTopicOffsets(topic);
  const kafka = createKafka({ config: parseConfig(KAFKA_CONFIG, process.env), clientId: 'compaction-reader', logger });
  const consumer = kafka.consumer({ groupId: `compaction-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const remaining = new Map(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
  );
  const last = new Map<string, string>();
  let count = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      if (remaining.size === 0) resolve();
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            count++;
            last.set(message.key?.toString() ?? '', message.value?.toString() ?? '');
            if (Number(message.offset) + 1 >= (remaining.get(partition) ?? Infinity)) {
              remaining.delete(partition);
              if (remaining.size === 0) resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { count, last };
}

describe('latest-state topic policy', () => {
  it('compacts two hours of 200 keys to about one record per key', async () => {
    const config = parseConfig(KAFKA_CONFIG, process.env);
    const kafka = createKafka({ config, clientId: 'compaction-itest', logger });
    const admin = kafka.admin();
    const topic = `compaction-itest-${randomUUID().slice(0, 8)}`;
    const control = `${topic}-control`;
    await admin.connect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic, numPartitions: 3, configEntries: topicConfigEntries(TOPIC_POLICY[TOPICS.spotTicker]) },
          // The control: what the topics were before, compact,delete on Kafka's segment defaults.
          { topic: control, numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact,delete' }] },
        ],
      });
      // One record per key per minute, stamped over the last two hours: the broker rolls segments
      // by record time, so this is what two hours of traffic leave on disk, written in seconds.
      const start = Date.now() - MINUTES * 60_000;
      for (let m = 0; m < MINUTES; m++) {
        const messages = Array.from({ length: KEYS }, (_, k) => ({
          key: `SYM${k}`,
          value: `${m}`,
          timestamp: String(start + m * 60_000 + k),
        }));
        await producer.sendBatch({
          topicMessages: [
            { topic, messages },
            { topic: control, messages },
          ],
        });
      }
      const written = KEYS * MINUTES;
      let read = await readAll(admin, topic);
      const deadline = Date.now() + 90_000;
      // The cleaner wakes every 15 s (log.cleaner.backoff.ms) and cleans the dirtiest log first.
      while (read.count > 3 * KEYS && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5_000));
        read = await readAll(admin, topic);
      }
      expect(read.count).toBeLessThanOrEqual(3 * KEYS);
      expect(read.count).toBeLessThan(written / 20);
      // Compaction keeps the newest record of every key.
      expect(read.last.size).toBe(KEYS);
      for (const v of read.last.values()) expect(v).toBe(String(MINUTES - 1));
      expect((await readAll(admin, control)).count).toBe(written);
    } finally {
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic, control] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 150_000);
});

describe('a topic whose configs differ from its policy', () => {
  it('makes a starting service warn once, naming the topic, and run on', async () => {
    const config = parseConfig(KAFKA_CONFIG, { ...process.env, KAFKA_TOPIC_PARTITIONS: '3' });
    const admin = createKafka({ config, clientId: 'compaction-itest', logger }).admin();
    await admin.connect();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(
          ...chunk
            .toString()
            .split('\n')
            .filter((l) => l !== ''),
        );
        done();
      },
    });
    const bus = new KafkaBus({
      config,
      clientId: 'compaction-itest',
      logger: createLogger('compaction-itest', 'warn', sink),
      topics: [TOPICS.global],
    });
    try {
      await ensureTopics(admin, { partitions: 3, replicationFactor: 1 }, [TOPICS.global]);
      const [status] = await inspectTopics(
        admin,
        topicConfigs({ partitions: 3, replicationFactor: 1 }, [TOPICS.global]),
      );
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: TOPICS.global,
            configEntries: Object.entries({ ...status?.overrides, 'segment.ms': '604800000' }).map(([name, value]) => ({
              name,
              value,
            })),
          },
        ],
      });
      await bus.start();
      const warnings = lines.filter((l) => l.includes('segment.ms=604800000'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0] as string).msg).toContain(`topic ${TOPICS.global} differs`);
      await bus.publish(TOPICS.global, [{ key: 'itest', value: globalMetrics() }]);
    } finally {
      await bus.stop();
      await alignTopicConfigs(
        admin,
        await inspectTopics(admin, topicConfigs({ partitions: 3, replicationFactor: 1 }, [TOPICS.global])),
      );
      await admin.disconnect();
    }
  }, 60_000);
});

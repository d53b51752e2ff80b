// The provisioning functions the deploy job runs, against a fake Kafka admin and a minimal
// Confluent-compatible registry on loopback (the real ones are covered by the integration tests
// of ensureTopics and registerContracts, which these functions only compose).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_TOPICS, dlqTopic, valueSubject } from '@marketpipe/contracts';
import { parseConfig } from '@marketpipe/runtime';
import { ConfigSource, type Admin } from 'kafkajs';
import { provisionSchemas, provisionTopics, PROVISION_CONFIG, topicConfigs } from '../src';

/**
 * A fake admin over `existing` (topic → partitions) whose topics carry the configs `configs`
 * gives them (by default every entry its policy wants, so only what a test changes differs).
 */
function fakeAdmin(
  existing: Record<string, number>,
  configs: Record<string, Record<string, string>> = {},
): { admin: Admin; created: string[]; altered: Map<string, Record<string, string>> } {
  const created: string[] = [];
  const altered = new Map<string, Record<string, string>>();
  const wanted = new Map(
    topicConfigs({ partitions: 6, replicationFactor: 1 }).map((t) => [
      t.topic,
      Object.fromEntries((t.configEntries ?? []).map((e) => [e.name, e.value])),
    ]),
  );
  const admin = {
    listTopics: async () => Object.keys(existing),
    createTopics: async ({ topics }: { topics: { topic: string }[] }) => {
      created.push(...topics.map((t) => t.topic));
      return true;
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({
        name,
        partitions: Array.from({ length: existing[name] ?? 0 }, (_, i) => ({ partitionId: i })),
      })),
    }),
    describeConfigs: async ({ resources }: { resources: { name: string }[] }) => ({
      resources: resources.map(({ name }) => ({
        resourceName: name,
        configEntries: Object.entries({ ...wanted.get(name), ...configs[name] }).map(([configName, configValue]) => ({
          configName,
          configValue,
          configSource: ConfigSource.TOPIC_CONFIG,
        })),
      })),
    }),
    alterConfigs: async ({
      resources,
    }: {
      resources: { name: string; configEntries: { name: string; value: string }[] }[];
    }) => {
      for (const r of resources) altered.set(r.name, Object.fromEntries(r.configEntries.map((e) => [e.name, e.value])));
    },
  } as unknown as Admin;
  return { admin, created, altered };
}

describe('provisionTopics', () => {
  it('creates every contract topic and its DLQ on an empty cluster', async () => {
    const { admin, created } = fakeAdmin({});
    const result = await provisionTopics(admin, { KAFKA_TOPIC_PARTITIONS: 6, KAFKA_REPLICATION_FACTOR: 1 });
    expect(result.mismatched).toEqual([]);
    expect(created.sort()).toEqual([...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopic)].sort());
  });

  it('reports a contract topic whose partition count differs', async () => {
    const existing = Object.fromEntries(ALL_TOPICS.map((t) => [t, 6]));
    existing['market.spot.ticker'] = 3;
    const { admin, created } = fakeAdmin(existing);
    const result = await provisionTopics(admin, { KAFKA_TOPIC_PARTITIONS: 6, KAFKA_REPLICATION_FACTOR: 1 });
    expect(created.sort()).toEqual(ALL_TOPICS.map(dlqTopic).sort());
    expect(result.mismatched).toEqual(['market.spot.ticker has 3 partitions, expected 6']);
    expect(result.misconfigured).toEqual([]);
  });

  it('names a topic whose compaction configs are Kafka defaults, and aligns only that one', async () => {
    const existing = Object.fromEntries([...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopic)].map((t) => [t, 6]));
    const { admin, altered } = fakeAdmin(existing, {
      'unified-market': { 'segment.ms': '604800000', 'min.cleanable.dirty.ratio': '0.5', 'compression.type': 'lz4' },
    });
    const result = await provisionTopics(admin, { KAFKA_TOPIC_PARTITIONS: 6, KAFKA_REPLICATION_FACTOR: 1 });
    expect(result.misconfigured).toEqual([
      'unified-market: segment.ms=604800000 (want 60000), min.cleanable.dirty.ratio=0.5 (want 0.1)',
    ]);
    expect([...altered.keys()]).toEqual(['unified-market']);
    // AlterConfigs replaces the whole set: the operator's own override survives the alignment.
    expect(altered.get('unified-market')).toMatchObject({
      'segment.ms': '60000',
      'min.cleanable.dirty.ratio': '0.1',
      'compression.type': 'lz4',
    });
  });
});

describe('provisionSchemas', () => {
  let server: Server;
  let url: string;
  const registered: string[] = [];

  beforeAll(async () => {
    let nextId = 1;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const path = req.url ?? '';
        res.setHeader('content-type', 'application/vnd.schemaregistry.v1+json');
        if (path.startsWith('/config/')) {
          res.end(JSON.stringify({ compatibilityLevel: 'FULL_TRANSITIVE', compatibility: 'FULL_TRANSITIVE' }));
        } else if (req.method === 'POST' && /^\/subjects\/[^/]+\/versions$/.test(path)) {
          registered.push(decodeURIComponent(path.split('/')[2] ?? ''));
          res.end(JSON.stringify({ id: nextId++ }));
        } else {
          res.statusCode = 404;
          res.end(JSON.stringify({ error_code: 40401, message: `not found: ${req.method} ${path}` }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('registers every contract under <topic>-value with the configured registry', async () => {
    const config = parseConfig(PROVISION_CONFIG, { KAFKA_BROKERS: 'kafka:9092', SCHEMA_REGISTRY_URL: url });
    const ids = await provisionSchemas(config);
    expect([...ids.keys()]).toEqual([...ALL_TOPICS]);
    expect(registered).toEqual(ALL_TOPICS.map(valueSubject));
  });
});

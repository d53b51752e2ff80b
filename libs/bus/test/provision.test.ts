// The provisioning functions the deploy job runs, against a fake Kafka admin and a minimal
// Confluent-compatible registry on loopback (the real ones are covered by the integration tests
// of ensureTopics and registerContracts, which these functions only compose).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_TOPICS, dlqTopic, valueSubject } from '@marketpipe/contracts';
import { parseConfig } from '@marketpipe/runtime';
import type { Admin } from 'kafkajs';
import { provisionSchemas, provisionTopics, PROVISION_CONFIG } from '../src';

function fakeAdmin(existing: Record<string, number>): { admin: Admin; created: string[] } {
  const created: string[] = [];
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
  } as unknown as Admin;
  return { admin, created };
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

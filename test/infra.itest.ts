// The local infrastructure the integration tests run on is real: a Kafka broker answering
// metadata, a Confluent-compatible registry, and Redis answering PING.
import { createConnection } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is not set`);
  return v;
}

describe('local infrastructure', () => {
  it('has a Kafka broker that answers metadata', async () => {
    const admin = new Kafka({
      clientId: 'infra-test',
      brokers: env('KAFKA_BROKERS').split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('has a schema registry speaking the Confluent API', async () => {
    const res = await fetch(`${env('SCHEMA_REGISTRY_URL')}/subjects`);
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
  });

  it('has Redis answering PING', async () => {
    const url = new URL(env('REDIS_URL'));
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379) }, () =>
        socket.write('*1\r\n$4\r\nPING\r\n'),
      );
      socket.once('data', (d) => {
        resolve(d.toString());
        socket.end();
      });
      socket.once('error', reject);
    });
    expect(reply).toBe('+PONG\r\n');
  });
});

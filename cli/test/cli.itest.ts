// The operator CLI against real Kafka, the registry and Redis: topics created and drift found and
// fixed, schema compatibility checked without registering, snapshots read from Redis by the built
// bin, and a topic tailed as decoded JSON lines.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { alignTopicConfigs, createKafka, inspectTopics, KAFKA_CONFIG, KafkaBus, registryConfig } from '@marketpipe/bus';
import { RedisSnapshotStore } from '@marketpipe/consolidator';
import {
  ALL_TOPICS,
  checkSubject,
  createRegistryClient,
  registerSchema,
  type AvroSchema,
  type UnifiedMarket,
} from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { Redis } from 'ioredis';
import { globalMetrics, spotTicker, unifiedMarket } from '../../libs/contracts/test/samples';
import { tailCommand, topicsCommand, type Output } from '../src';

const logger = createLogger('cli-itest', 'silent');
const run = randomUUID().slice(0, 8);
const BIN = join(__dirname, '..', 'dist', 'main.js');

function buffer(): Output & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => void lines.push(l), err: (l) => void errors.push(l) };
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      cwd: '/',
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('marketpipe topics', () => {
  it('finds a topic whose configs drifted and aligns them, keeping its other overrides', async () => {
    const config = parseConfig(KAFKA_CONFIG, process.env);
    const admin = createKafka({ config, clientId: 'cli-itest', logger }).admin();
    await admin.connect();
    const topic = `cli-itest-${run}`;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: 2,
            configEntries: [
              { name: 'cleanup.policy', value: 'delete' },
              { name: 'max.message.bytes', value: '2000000' },
            ],
          },
        ],
      });
      const wanted = [
        {
          topic,
          numPartitions: 3,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact,delete' },
            { name: 'retention.ms', value: '3600000' },
          ],
        },
      ];
      const [before] = await inspectTopics(admin, wanted);
      expect(before).toMatchObject({
        exists: true,
        partitions: 2,
        wantedPartitions: 3,
        configDiff: { 'cleanup.policy': ['delete', 'compact,delete'] },
      });
      expect(before?.configDiff['retention.ms']?.[1]).toBe('3600000'); // the broker default differs
      expect(await alignTopicConfigs(admin, [before!])).toEqual([topic]);
      const [after] = await inspectTopics(admin, wanted);
      expect(after?.configDiff).toEqual({});
      expect(after?.overrides['max.message.bytes']).toBe('2000000');
      expect(after?.partitions).toBe(2); // never changed: it would move keys between partitions
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('--create leaves no marketpipe topic missing', async () => {
    const out = buffer();
    await topicsCommand({ create: true, json: true }, process.env, out);
    const rows = out.lines.map((l) => JSON.parse(l) as { topic: string; problems: string[] });
    expect(rows.map((r) => r.topic).sort()).toEqual(ALL_TOPICS.flatMap((t) => [t, `${t}.dlq`]).sort());
    expect(rows.filter((r) => r.problems.includes('missing'))).toEqual([]);
  });
});

describe('marketpipe schemas', () => {
  it('tells registered, compatible and incompatible schemas apart without registering', async () => {
    const registry = registryConfig(parseConfig(KAFKA_CONFIG, process.env));
    const subject = `cli-itest-${run}-value`;
    const fields = [
      { name: 'symbol', type: 'string' },
      { name: 'price', type: 'double' },
    ];
    const v1: AvroSchema = {
      type: 'record',
      name: 'Probe',
      namespace: 'marketpipe.test',
      fields,
    };
    await registerSchema(createRegistryClient(registry), registry, subject, v1);
    expect(await checkSubject(registry, 'unified-market', subject, v1)).toMatchObject({
      registered: true,
      compatible: true,
      latest: { version: 1 },
      compatibility: 'FULL_TRANSITIVE',
    });
    const withDefault: AvroSchema = {
      ...v1,
      fields: [...fields, { name: 'venue', type: 'string', default: 'binance' }],
    };
    expect(await checkSubject(registry, 'unified-market', subject, withDefault)).toMatchObject({
      registered: false,
      compatible: true,
    });
    const dropped: AvroSchema = { ...v1, fields: fields.slice(0, 1) };
    const refused = await checkSubject(registry, 'unified-market', subject, dropped);
    expect(refused).toMatchObject({ registered: false, compatible: false });
    expect(refused.reasons.join(' ')).toContain('price');
    // Nothing was written by the checks.
    expect((await checkSubject(registry, 'unified-market', subject, v1)).latest?.version).toBe(1);
  });
});

describe('marketpipe snapshot', () => {
  const prefix = `mp-cli-${run}:`;
  const url = process.env['REDIS_URL'] as string;

  it('prints the snapshot Redis holds, as JSON and as a table with the global metrics', async () => {
    const store = new RedisSnapshotStore({ url, prefix, ttlSeconds: 60, logger });
    await store.connect();
    const now = Date.now();
    const u: UnifiedMarket = { ...unifiedMarket('ETHUSDT'), emitTime: now };
    await store.write([u], { ...globalMetrics(), emitTime: now });
    await store.close();
    const redis = new Redis(url);
    await redis.sadd(`${prefix}symbols`, 'GONEUSDT'); // listed, but its key expired
    redis.disconnect();
    const env = { REDIS_URL: url, REDIS_PREFIX: prefix };

    const json = await cli(['snapshot', 'ethusdt', '--json'], env);
    expect(json.code).toBe(0);
    const read = JSON.parse(json.stdout) as UnifiedMarket;
    expect(read.spot?.lastPrice).toBe(u.spot?.lastPrice);
    expect(read.freshness.find((f) => f.source === 'SPOT')?.ageMs).toBeGreaterThanOrEqual(120);

    const table = await cli(['snapshot', '--all'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^SYMBOL/);
    expect(table.stdout).toContain('ETHUSDT');
    expect(table.stdout).toContain('GONEUSDT (expired: the consolidator stopped writing it)');
    expect(table.stdout).toContain('global: regime');

    const missing = await cli(['snapshot', 'NOPEUSDT'], env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('NOPEUSDT (never written)');
  });

  it('names the Redis it cannot reach and a bad variable', async () => {
    const down = await cli(['snapshot', 'BTCUSDT'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
    const bad = await cli(['snapshot', 'BTCUSDT'], { REDIS_URL: 'http://x' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('REDIS_URL');
  });
});

describe('marketpipe tail', () => {
  it('decodes a topic as JSON lines, filtered by key', async () => {
    const bus = new KafkaBus({ config: parseConfig(KAFKA_CONFIG, process.env), clientId: 'cli-itest', logger });
    await bus.start();
    const symbol = `TAIL${run.toUpperCase()}`;
    try {
      await bus.publish('market.spot.ticker', [
        { key: symbol, value: { ...spotTicker(symbol), lastPrice: 101.5 } },
        { key: symbol, value: { ...spotTicker(symbol), eventTime: spotTicker().eventTime + 1, lastPrice: 102.25 } },
      ]);
    } finally {
      await bus.stop();
    }
    const out = buffer();
    const code = await tailCommand(
      { topic: 'market.spot.ticker', fromBeginning: true, max: 2, key: symbol },
      process.env,
      out,
      AbortSignal.timeout(60_000),
    );
    expect(code).toBe(0);
    const lines = out.lines.map((l) => JSON.parse(l) as { key: string; offset: string; value: { lastPrice: number } });
    expect(lines.map((l) => [l.key, l.value.lastPrice])).toEqual([
      [symbol, 101.5],
      [symbol, 102.25],
    ]);
  });
});

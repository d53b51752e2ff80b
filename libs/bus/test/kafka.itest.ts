import * as avro from 'avsc';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  contractSchema,
  ContractSerde,
  createRegistryClient,
  dlqTopic,
  registerContracts,
  type TopicName,
} from '@marketpipe/contracts';
import { parseConfig } from '@marketpipe/runtime';
import { Partitioners, type Consumer, type Producer } from 'kafkajs';
import { DLQ_HEADERS, KAFKA_CONFIG, registryConfig, type KafkaBus } from '../src';
import { spotTicker } from '../../contracts/test/samples';
import { busContractSuite, collector, uniqueKey } from './bus-contract';
import { testKafkaBus } from './kafka-harness';

busContractSuite('kafka', async () => {
  const bus = testKafkaBus();
  await bus.start();
  return { bus, teardown: () => bus.stop() };
});

describe('KafkaBus dead-letter queue', () => {
  let bus: KafkaBus;
  let raw: Producer;
  let dlqConsumer: Consumer;
  const topic: TopicName = 'market.spot.ticker';
  const dlq: { key: string; reason: string; error: string; offset: string; value: Buffer | null }[] = [];

  beforeAll(async () => {
    bus = testKafkaBus('marketpipe-dlq-test');
    await bus.start();
    raw = bus.kafka.producer();
    await raw.connect();
    dlqConsumer = bus.kafka.consumer({ groupId: uniqueKey('dlq') });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: dlqTopic(topic), fromBeginning: true });
    await dlqConsumer.run({
      eachMessage: async ({ message }) => {
        const h = message.headers ?? {};
        dlq.push({
          key: message.key?.toString() ?? '',
          reason: String(h[DLQ_HEADERS.reason]),
          error: String(h[DLQ_HEADERS.error]),
          offset: String(h[DLQ_HEADERS.offset]),
          value: message.value,
        });
      },
    });
  });

  afterAll(async () => {
    await dlqConsumer.disconnect();
    await raw.disconnect();
    await bus.stop();
  });

  async function waitForDlq(key: string): Promise<(typeof dlq)[number]> {
    for (let i = 0; i < 300; i++) {
      const hit = dlq.find((d) => d.key === key);
      if (hit !== undefined) return hit;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no DLQ record for ${key}`);
  }

  it('parks bytes that are not in the wire format with the reason, and processes the next record', async () => {
    const key = uniqueKey();
    const c = collector(new Set([key]));
    const sub = await bus.subscribe({ groupId: uniqueKey('g'), topics: [topic], handler: c.handler });
    await raw.send({ topic, messages: [{ key, value: Buffer.from('{"lastPrice":"60755.18"}') }] });
    await bus.publish(topic, [{ key, value: spotTicker(key) }]);
    await c.waitFor(1);
    await sub.stop();
    expect(c.received[0]?.value).toEqual(spotTicker(key));
    const parked = await waitForDlq(key);
    expect(parked.reason).toBe('undecodable');
    expect(parked.error).toContain('not in the Confluent wire format (first byte 123');
    expect(parked.value?.toString()).toBe('{"lastPrice":"60755.18"}');
  });

  it('parks a framed record whose schema id the registry does not know', async () => {
    const key = uniqueKey();
    const c = collector(new Set([key]));
    const sub = await bus.subscribe({ groupId: uniqueKey('g'), topics: [topic], handler: c.handler });
    const frame = Buffer.alloc(5);
    frame.writeInt32BE(987654321, 1);
    await raw.send({ topic, messages: [{ key, value: Buffer.concat([frame, Buffer.from([2, 4, 6])]) }] });
    await bus.publish(topic, [{ key, value: spotTicker(key) }]);
    await c.waitFor(1);
    await sub.stop();
    const parked = await waitForDlq(key);
    expect(parked.reason).toBe('undecodable');
    expect(parked.error).toContain('schema id 987654321');
  });

  it('parks a well-framed record that breaks the contract (a NaN price from a foreign producer)', async () => {
    const key = uniqueKey();
    const c = collector(new Set([key]));
    const sub = await bus.subscribe({ groupId: uniqueKey('g'), topics: [topic], handler: c.handler });
    // Frame with the registered schema id but bypass our checks, as a foreign producer could.
    const registry = registryConfig(parseConfig(KAFKA_CONFIG, process.env));
    const ids = await registerContracts(createRegistryClient(registry), registry, [topic]);
    const frame = Buffer.alloc(5);
    frame.writeInt32BE(ids.get(topic) as number, 1);
    const body = avro.Type.forSchema(contractSchema(topic) as avro.Schema).toBuffer({
      ...spotTicker(key),
      lastPrice: Number.NaN,
    });
    await raw.send({ topic, messages: [{ key, value: Buffer.concat([frame, body]) }] });
    await bus.publish(topic, [{ key, value: spotTicker(key) }]);
    await c.waitFor(1);
    await sub.stop();
    expect(c.received).toHaveLength(1);
    const parked = await waitForDlq(key);
    expect(parked.reason).toBe('contract-violation');
    expect(parked.error).toBe('invalid record for market.spot.ticker: lastPrice: expected a finite double, got NaN');
  });
});

describe('KafkaBus bounded restore', () => {
  let bus: KafkaBus;
  let raw: Producer;
  let serde: ContractSerde;
  const topic: TopicName = 'market.spot.ticker';

  beforeAll(async () => {
    bus = testKafkaBus('marketpipe-restore-test');
    await bus.start();
    raw = bus.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await raw.connect();
    const registry = registryConfig(parseConfig(KAFKA_CONFIG, process.env));
    const client = createRegistryClient(registry);
    serde = new ContractSerde(client, await registerContracts(client, registry, [topic]));
  });

  afterAll(async () => {
    await raw.disconnect();
    await bus.stop();
  });

  /** One valid record per key, stamped (CreateTime) `ageMs` ago, as if written back then. */
  async function writeAged(records: readonly { key: string; ageMs: number }[]): Promise<void> {
    const now = Date.now();
    await raw.send({
      topic,
      messages: await Promise.all(
        records.map(async ({ key, ageMs }) => ({
          key,
          value: await serde.encode(topic, { ...spotTicker(key), eventTime: now - ageMs }),
          timestamp: String(now - ageMs),
        })),
      ),
    });
  }

  async function restore(keys: Set<string>, lookbackMs: number | undefined, groupId = uniqueKey('g')) {
    const c = collector(keys);
    let caughtUp = false;
    const sub = await bus.subscribe({
      groupId,
      topics: [topic],
      replay: true,
      ...(lookbackMs === undefined ? {} : { lookbackMs: { [topic]: lookbackMs } }),
      handler: c.handler,
      onCaughtUp: () => (caughtUp = true),
    });
    for (let i = 0; i < 300 && !caughtUp; i++) await sleep(100);
    await sub.stop();
    return { caughtUp, keys: c.received.map((m) => m.key) };
  }

  it('reads only what lies inside the lookback, and says when it has caught up', async () => {
    const old = uniqueKey('old');
    const mid = uniqueKey('mid');
    const fresh = uniqueKey('fresh');
    await writeAged([
      { key: old, ageMs: 2 * 3600_000 },
      { key: mid, ageMs: 30 * 60_000 },
      { key: fresh, ageMs: 1_000 },
    ]);
    const keys = new Set([old, mid, fresh]);
    const tenMinutes = await restore(keys, 10 * 60_000);
    expect(tenMinutes).toEqual({ caughtUp: true, keys: [fresh] });
    const anHour = await restore(keys, 3600_000);
    expect(anHour.keys.sort()).toEqual([fresh, mid].sort());
    const everything = await restore(keys, undefined);
    expect(everything.keys.sort()).toEqual([fresh, mid, old].sort());
  });

  it('is caught up at once when nothing lies inside the lookback', async () => {
    const key = uniqueKey('quiet');
    await writeAged([{ key, ageMs: 3600_000 }]);
    expect(await restore(new Set([key]), 60_000)).toEqual({ caughtUp: true, keys: [] });
  });

  it('parks a poison record once per group, not again when the group rebuilds', async () => {
    const key = uniqueKey('poison');
    const groupId = uniqueKey('g');
    await raw.send({ topic, messages: [{ key, value: Buffer.from('not avro') }] });
    await writeAged([{ key, ageMs: 0 }]);
    const first = await restore(new Set([key]), 60_000, groupId);
    expect(first.keys).toEqual([key]);
    // The rebuild reads the poison record again; the DLQ must not get a second copy.
    const again = await restore(new Set([key]), 60_000, groupId);
    expect(again.keys).toEqual([key]);
    // Other suites' groups on the shared topic park it too (once each): count this group's.
    const parked = (await readDlq(bus, key)).filter((p) => p.group === groupId);
    expect(parked).toHaveLength(1);
  });
});

/** The DLQ records of `key` on market.spot.ticker.dlq, read from the start until its end. */
async function readDlq(bus: KafkaBus, key: string): Promise<{ group: string }[]> {
  const topic = dlqTopic('market.spot.ticker');
  const admin = bus.kafka.admin();
  await admin.connect();
  const end = (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
  await admin.disconnect();
  const consumer = bus.kafka.consumer({ groupId: uniqueKey('dlq-reader') });
  const found: { group: string }[] = [];
  let read = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      read++;
      if (message.key?.toString() === key) found.push({ group: String(message.headers?.[DLQ_HEADERS.group]) });
    },
  });
  for (let i = 0; i < 300 && read < end; i++) await sleep(100);
  await consumer.disconnect();
  return found;
}

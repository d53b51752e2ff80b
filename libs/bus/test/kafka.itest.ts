import * as avro from 'avsc';
import {
  contractSchema,
  createRegistryClient,
  dlqTopic,
  registerContracts,
  type TopicName,
} from '@marketpipe/contracts';
import { parseConfig } from '@marketpipe/runtime';
import type { Consumer, Producer } from 'kafkajs';
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

// psych's window checkpoints on real Kafka: a restarted psych whose inputs lie outside its lookback
// resumes from state.psych alone — READY, with the hysteresis memory of the instance before it —
// where one without checkpoints starts WARMING_UP.
import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { registryConfig, type KafkaBus } from '@marketpipe/bus';
import {
  ContractSerde,
  createRegistryClient,
  registerContracts,
  TOPICS,
  type PsychState,
  type TopicName,
} from '@marketpipe/contracts';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { KAFKA_CONFIG } from '@marketpipe/bus';
import { testKafkaBus } from '../../../libs/bus/test/kafka-harness';
import { PSYCH_CONFIG } from '../src/config';
import { PsychService } from '../src/service';
import { series, spot, STEADY_RISE, type PsychInput } from './series';

// Exchange time now: psych forgets a symbol far behind the newest one it holds (other tests' data).
const NOW = Math.floor(Date.now() / 1000) * 1000;

const SYMBOL = `CKPT${randomUUID().slice(0, 6).toUpperCase()}USDT`;

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function psych(bus: KafkaBus, checkpointMs: number) {
  const controller = new AbortController();
  let ready = false;
  const service = new PsychService({
    bus,
    logger: createLogger('psych', 'silent'),
    metrics: new Registry(),
    config: parseConfig(PSYCH_CONFIG, { PSYCH_INTERVAL_MS: '100', PSYCH_CHECKPOINT_MS: String(checkpointMs) }),
    groupId: `psych-ckpt-${randomUUID()}`,
    onReady: (r) => (ready = r),
  });
  return {
    isReady: () => ready,
    start: () => service.start(controller.signal),
    stop: async () => {
      controller.abort();
      await service.stop();
    },
  };
}

describe('psych checkpoints on Kafka', () => {
  let bus: KafkaBus;
  let serde: ContractSerde;
  const out: PsychState[] = [];

  beforeAll(async () => {
    bus = testKafkaBus('psych-checkpoint-itest');
    await bus.start();
    const registry = registryConfig(parseConfig(KAFKA_CONFIG, process.env));
    const client = createRegistryClient(registry);
    serde = new ContractSerde(client, await registerContracts(client, registry));
    await bus.subscribe({
      groupId: `psych-ckpt-reader-${randomUUID()}`,
      topics: [TOPICS.psych],
      handler: (m) => {
        if (m.topic === TOPICS.psych && m.key === SYMBOL) out.push(m.value);
      },
    });
  });

  afterAll(async () => {
    await bus.stop();
  });

  /** Inputs stamped (CreateTime) `ageMs` ago: outside the lookbacks of a later restore. */
  async function publishAged(inputs: readonly PsychInput[], ageMs: number): Promise<void> {
    const producer = bus.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const stamp = String(Date.now() - ageMs);
    const byTopic = new Map<TopicName, { key: string; value: Buffer; timestamp: string }[]>();
    for (const i of inputs) {
      const list = byTopic.get(i.topic) ?? [];
      list.push({ key: SYMBOL, value: await serde.encode(i.topic, i.value as never), timestamp: stamp });
      byTopic.set(i.topic, list);
    }
    for (const [topic, messages] of byTopic) await producer.send({ topic, messages });
    await producer.disconnect();
  }

  const ticker = (t: number): PsychInput => ({
    topic: 'market.spot.ticker',
    value: spot(SYMBOL, t, STEADY_RISE.price(t / 60_000 - NOW / 60_000), 5e8 * 1.12, 0.5),
  });

  it('restores the windows and the hysteresis memory from state.psych, not from the inputs', async () => {
    const first = psych(bus, 300);
    await first.start();
    await until(first.isReady, 'the first instance to be ready');
    // Read live, though stamped 70 minutes ago (beyond every psych lookback): the first instance builds full windows from them.
    await publishAged(series(SYMBOL, STEADY_RISE, { end: NOW }), 70 * 60_000);
    await until(() => out.some((r) => r.eventTime === NOW && r.status === 'READY'), 'a READY record at NOW');
    await new Promise((r) => setTimeout(r, 1_500)); // a checkpoint round after it
    await first.stop();
    const before = out.find((r) => r.eventTime === NOW) as PsychState;

    const restarted = psych(bus, 300);
    await restarted.start();
    await until(restarted.isReady, 'the restarted instance to be ready');
    await bus.publish(TOPICS.spotTicker, [{ key: SYMBOL, value: ticker(NOW + 1000).value as never }]);
    await until(() => out.some((r) => r.eventTime === NOW + 1000), 'a record for the new ticker');
    await restarted.stop();
    const resumed = out.find((r) => r.eventTime === NOW + 1000) as PsychState;
    expect(resumed.status).toBe('READY');
    expect(resumed.state).toBe(before.state);
    expect(resumed.transition).toMatchObject({ previousState: before.state, kind: 'ESTABLE' });

    // The control: without checkpoints the same restart has only what its lookback holds.
    const control = psych(bus, 0);
    await control.start();
    await until(control.isReady, 'the control instance to be ready');
    await bus.publish(TOPICS.spotTicker, [{ key: SYMBOL, value: ticker(NOW + 2000).value as never }]);
    await until(() => out.some((r) => r.eventTime === NOW + 2000), 'the control record');
    await control.stop();
    expect(out.find((r) => r.eventTime === NOW + 2000)?.status).toBe('WARMING_UP');
  }, 120_000);
});

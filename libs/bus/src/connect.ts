import { hostname } from 'node:os';
import type { ServiceContext } from '@marketpipe/runtime';
import type { TopicName } from '@marketpipe/contracts';
import { Counter } from 'prom-client';
import { KafkaBus } from './kafka';
import type { KAFKA_CONFIG } from './kafka-config';

/**
 * Distributed-mode wiring shared by every service: a started KafkaBus whose DLQ traffic is a
 * metric, whose readiness is a `/readyz` check, and which stops (flushes) with the service.
 */
export async function connectKafkaBus(
  ctx: ServiceContext<typeof KAFKA_CONFIG>,
  serviceName: string,
  topics?: readonly TopicName[],
): Promise<KafkaBus> {
  const deadLetters = new Counter({
    name: 'marketpipe_dlq_records_total',
    help: 'Records parked in a DLQ, by source topic and reason',
    labelNames: ['topic', 'reason'] as const,
    registers: [ctx.ops.metrics],
  });
  ctx.ops.setReady('kafka', false, 'connecting');
  // The host name is the pod name in Kubernetes (kept when a container restarts in its pod) and
  // the container id under Compose; two instances on one host still work (the second one's join
  // turns the first into a dynamic member), they only lose the instant takeover.
  const configured = ctx.config.KAFKA_GROUP_INSTANCE_ID ?? `${serviceName}@${hostname()}`;
  const groupInstanceId = configured === 'none' ? undefined : configured;
  const bus = new KafkaBus({
    config: ctx.config,
    clientId: serviceName,
    logger: ctx.logger,
    ...(topics === undefined ? {} : { topics }),
    ...(groupInstanceId === undefined ? {} : { groupInstanceId }),
    onDeadLetter: (topic, reason) => deadLetters.inc({ topic, reason }),
  });
  await bus.start();
  ctx.ops.setReady('kafka', true, 'connected, contracts registered');
  // Not ready while the brokers are away, ready again by itself when they answer.
  const watch = setInterval(() => {
    const h = bus.health();
    ctx.ops.setReady('kafka', h.ok, h.detail);
  }, 1_000);
  watch.unref();
  ctx.lifecycle.onStop('kafka-bus', async () => {
    clearInterval(watch);
    await bus.stop();
  });
  return bus;
}

import { createLogger, parseConfig } from '@marketpipe/runtime';
import { KAFKA_CONFIG, KafkaBus } from '../src';

/** A KafkaBus against the infrastructure the jest global setup brought up (or found). */
export function testKafkaBus(clientId = 'marketpipe-test'): KafkaBus {
  const config = parseConfig(KAFKA_CONFIG, {
    ...process.env,
    KAFKA_TOPIC_PARTITIONS: process.env['KAFKA_TOPIC_PARTITIONS'] ?? '3',
  });
  return new KafkaBus({ config, clientId, logger: createLogger(clientId, 'warn') });
}

import type { Logger } from '@marketpipe/runtime';
import { logLevel } from 'kafkajs';
import { KafkaLogGate, SETTLING_MS, STILL_DOWN_EVERY_MS } from '../src/log-gate';

function recorder(): { logger: Logger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at =
    (level: string) =>
    (_extra: unknown, msg: string): void =>
      void lines.push({ level, msg });
  const logger = {
    child: () => logger,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  } as unknown as Logger;
  return { logger, lines };
}

const refused = { message: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', broker: '127.0.0.1:9092' };

describe('KafkaLogGate', () => {
  it('collapses a broker outage into one warning, a reminder every 30 s and one recovery line', () => {
    let t = 0;
    const { logger, lines } = recorder();
    const gate = new KafkaLogGate(logger, () => t);
    // Two minutes of a client retrying every second: ~3 lines a second from kafkajs.
    for (; t < 120_000; t += 1_000) {
      gate.entry(logLevel.ERROR, refused);
      gate.entry(logLevel.ERROR, { message: '[BrokerPool] Failed to connect to seed broker, trying another broker' });
      gate.entry(logLevel.ERROR, { message: 'Crash: KafkaJSNumberOfRetriesExceeded: Connection error' });
    }
    gate.reachable();
    const shown = lines.filter((l) => l.level !== 'debug');
    expect(shown[0]?.msg).toMatch(/127.0.0.1:9092 unreachable/);
    expect(shown.filter((l) => /still unreachable/.test(l.msg))).toHaveLength(120_000 / STILL_DOWN_EVERY_MS - 1);
    expect(shown.at(-1)?.msg).toMatch(/reachable again after 120 s \(359 kafkajs lines held back\)/);
    expect(shown).toHaveLength(1 + 3 + 1);
    expect(gate.outage).toBe(false);
  });

  it('passes other warnings and errors through while every broker answers', () => {
    const { logger, lines } = recorder();
    const gate = new KafkaLogGate(logger);
    gate.entry(logLevel.WARN, { message: 'The group is rebalancing, re-joining' });
    gate.entry(logLevel.ERROR, { message: 'Error when calling eachMessage' });
    gate.entry(logLevel.INFO, { message: 'Consumer has joined the group' });
    gate.reachable(); // no outage: says nothing
    expect(lines).toEqual([
      { level: 'warn', msg: 'The group is rebalancing, re-joining' },
      { level: 'error', msg: 'Error when calling eachMessage' },
      { level: 'debug', msg: 'Consumer has joined the group' },
    ]);
  });

  it('names each broker that goes away once', () => {
    const { logger, lines } = recorder();
    const gate = new KafkaLogGate(logger);
    gate.entry(logLevel.ERROR, refused);
    gate.entry(logLevel.ERROR, { message: 'Connection timeout', broker: 'kafka-1:9092' });
    gate.entry(logLevel.ERROR, refused);
    gate.entry(logLevel.ERROR, { message: 'Connection timeout', broker: 'kafka-1:9092' });
    expect(lines.map((l) => l.msg)).toEqual([
      expect.stringMatching(/127.0.0.1:9092 unreachable/),
      expect.stringMatching(/kafka-1:9092 unreachable/),
    ]);
  });
});

describe('KafkaLogGate after an outage', () => {
  it('holds back the lines of clients settling for a while, then passes them again', () => {
    let t = 0;
    const { logger, lines } = recorder();
    const gate = new KafkaLogGate(logger, () => t);
    gate.entry(logLevel.ERROR, refused);
    t = 20_000;
    gate.reachable();
    t += 1_000;
    gate.entry(logLevel.ERROR, { message: "The coordinator is loading and hence can't process requests" });
    gate.entry(logLevel.ERROR, { message: 'Restarting the consumer in 200ms' });
    t += SETTLING_MS;
    gate.entry(logLevel.ERROR, { message: 'Restarting the consumer in 200ms' });
    expect(lines.filter((l) => l.level !== 'debug').map((l) => l.msg)).toEqual([
      expect.stringMatching(/unreachable/),
      expect.stringMatching(/reachable again after 20 s/),
      'Restarting the consumer in 200ms',
    ]);
  });
});

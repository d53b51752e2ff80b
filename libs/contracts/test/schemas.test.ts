import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as avro from 'avsc';
import { generateTypes } from '../src/codegen';
import { contractSchemas, readSchemaFiles, SCHEMA_DIR } from '../src/schemas';
import { ALL_TOPICS, TOPIC_RECORD, valueSubject, dlqTopic } from '../src/topics';
import { SAMPLES } from './samples';

describe('contract schemas', () => {
  it('define one record schema per record TOPIC_RECORD names (both candle topics carry SpotKline)', () => {
    const files = readSchemaFiles();
    expect([...files.keys()].sort()).toEqual([...new Set(Object.values(TOPIC_RECORD))].sort());
    for (const [name, schema] of files) expect(schema['name']).toBe(name);
  });

  it('expand into standalone schemas that avsc accepts, one per topic', () => {
    const schemas = contractSchemas();
    expect([...schemas.keys()].sort()).toEqual([...ALL_TOPICS].sort());
    for (const schema of schemas.values()) expect(() => avro.Type.forSchema(schema as avro.Schema)).not.toThrow();
  });

  it('inline the source contracts into UnifiedMarket exactly once each', () => {
    const text = JSON.stringify(contractSchemas().get('unified-market'));
    for (const name of [
      'SpotTicker',
      'FuturesTicker',
      'QuantumScore',
      'PsychState',
      'SronaReport',
      'OptionContract',
      'OptionSide',
    ]) {
      expect(text.split(`"name":"marketpipe.contracts.${name}"`).length - 1).toBe(1);
    }
  });

  it.each(ALL_TOPICS)('round-trip a sample %s record through Avro binary unchanged', (topic) => {
    const type = avro.Type.forSchema(contractSchemas().get(topic) as avro.Schema);
    const sample = SAMPLES[topic]();
    expect(type.isValid(sample)).toBe(true);
    expect(type.fromBuffer(type.toBuffer(sample))).toEqual(sample);
  });

  it('give every time field the timestamp-millis logical type and a long', () => {
    const offenders: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const obj = node as Record<string, unknown>;
      if (Array.isArray(obj['fields'])) {
        for (const f of obj['fields'] as Record<string, unknown>[]) {
          const name = String(f['name']);
          const text = JSON.stringify(f['type']);
          if (/Time$/.test(name) && name !== 'timeToExpiryMs' && !text.includes('timestamp-millis'))
            offenders.push(`${path}.${name}`);
          visit(f['type'], `${path}.${name}`);
        }
      } else {
        for (const v of Object.values(obj)) visit(v, path);
      }
    };
    for (const [topic, schema] of contractSchemas()) visit(schema, topic);
    expect(offenders).toEqual([]);
  });

  it('name subjects and DLQ topics after the topic', () => {
    expect(valueSubject('market.spot.ticker')).toBe('market.spot.ticker-value');
    expect(dlqTopic('unified-market')).toBe('unified-market.dlq');
  });
});

describe('generated TypeScript types', () => {
  it('match what the schemas generate (run `pnpm gen:types` after changing a schema)', () => {
    const committed = readFileSync(join(__dirname, '..', 'src', 'generated', 'types.ts'), 'utf8');
    expect(generateTypes(readSchemaFiles(SCHEMA_DIR).values() as never, TOPIC_RECORD)).toBe(committed);
  });
});

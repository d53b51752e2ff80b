// Test helpers shared by the capture services' mapper tests: recorded Binance bodies and contract checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PayloadError } from '../src/checked';
import { contractViolation, type TopicName } from '@marketpipe/contracts';

const FIXTURES = join(__dirname, '../../../fixtures/binance');

/** A recorded Binance body from fixtures/binance, parsed fresh for every call (tests may mutate it). */
export function fixture(path: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as unknown;
}

/** A fixture array's element `index` (a fresh copy), for hand-made variants. */
export function element(path: string, index: number): Record<string, unknown> {
  const body = fixture(path);
  if (!Array.isArray(body)) throw new Error(`${path} is not an array`);
  return body[index] as Record<string, unknown>;
}

/** Asserts that every record conforms to the topic's contract (finite doubles, safe-integer times, exact fields). */
export function expectContract(topic: TopicName, records: readonly unknown[]): void {
  for (const record of records) expect(contractViolation(topic, record)).toBeUndefined();
}

/** The PayloadError `run` throws. */
export function payloadErrorOf(run: () => unknown): PayloadError {
  try {
    run();
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error('expected a PayloadError');
}

import { compileCheck, type Check } from './validate';
import { contractSchema } from './schemas';
import { ContractError } from './errors';
import type { TopicValues } from './generated/types';
import type { TopicName } from './topics';

const checks = new Map<TopicName, Check>();

function checkFor(topic: TopicName): Check {
  let check = checks.get(topic);
  if (check === undefined) {
    check = compileCheck(contractSchema(topic));
    checks.set(topic, check);
  }
  return check;
}

/** Why `value` breaks the contract of `topic`, or undefined when it conforms. */
export function contractViolation(topic: TopicName, value: unknown): string | undefined {
  return checkFor(topic)(value, '');
}

/** Throws a ContractError naming the offending field unless `value` conforms to the contract of `topic`. */
export function assertContract<T extends TopicName>(topic: T, value: unknown): asserts value is TopicValues[T] {
  const problem = checkFor(topic)(value, '');
  if (problem !== undefined) throw new ContractError(topic, problem);
}

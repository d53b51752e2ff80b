import { KAFKA_CONFIG, registryConfig } from '@marketpipe/bus';
import {
  ALL_TOPICS,
  checkContracts,
  createRegistryClient,
  registerSchema,
  contractSchema,
  valueSubject,
  type SubjectStatus,
} from '@marketpipe/contracts';
import { parseConfig } from '@marketpipe/runtime';
import type { Output } from '../output';

export function renderSubjects(statuses: readonly SubjectStatus[]): string[] {
  const width = Math.max(...statuses.map((s) => s.subject.length), 7);
  const lines = [`${'SUBJECT'.padEnd(width)}  VERSION  ID     STATUS`];
  for (const s of statuses) {
    const status = s.registered
      ? 'registered'
      : s.latest === null
        ? 'new subject'
        : s.compatible
          ? 'compatible, not registered yet'
          : `INCOMPATIBLE (${s.compatibility ?? 'registry default'}): ${s.reasons.join('; ') || 'refused by the registry'}`;
    lines.push(
      `${s.subject.padEnd(width)}  ${String(s.latest?.version ?? '–').padStart(7)}  ${String(s.latest?.id ?? '–').padEnd(5)}  ${status}`,
    );
  }
  return lines;
}

/**
 * Checks every contract against the registry and, unless --check, registers the compatible ones
 * (the incompatible stay refused: registering is the registry's decision, reported per subject).
 * Exits 1 when any subject is incompatible.
 */
export async function schemasCommand(
  cmd: { check: boolean; json: boolean },
  env: NodeJS.ProcessEnv,
  output: Output,
): Promise<number> {
  const config = parseConfig(KAFKA_CONFIG, env);
  const registry = registryConfig(config);
  let statuses = await checkContracts(registry);
  if (!cmd.check) {
    const client = createRegistryClient(registry);
    for (const s of statuses) {
      if (s.compatible && !s.registered)
        await registerSchema(client, registry, valueSubject(s.topic), contractSchema(s.topic));
    }
    statuses = await checkContracts(registry, ALL_TOPICS);
  }
  if (cmd.json) for (const s of statuses) output.out(JSON.stringify(s));
  else for (const line of renderSubjects(statuses)) output.out(line);
  return statuses.every((s) => s.compatible) ? 0 : 1;
}

// `node infra/down.ts [--purge] [kafka|registry|redis ...]` (pnpm infra:down): stops what infra:up
// started (per the pid files in .infra/run), never anything else; named components only, when
// given. Jars stay; --purge also empties Kafka's and the registry's data.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { infraDown } from './lib/infra.ts';
import type { ComponentName } from './lib/component.ts';

const COMPONENTS: readonly string[] = ['kafka', 'registry', 'redis'];

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { purge: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const unknown = positionals.filter((p) => !COMPONENTS.includes(p));
  if (unknown.length > 0)
    throw new Error(`unknown component(s) ${unknown.join(', ')}; expected ${COMPONENTS.join(', ')}`);
  const { stopped } = await infraDown({
    root: join(import.meta.dirname, '..'),
    purge: values.purge,
    ...(positionals.length > 0 ? { components: positionals as ComponentName[] } : {}),
  });
  process.stderr.write(
    `[infra] down: ${stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'nothing of ours was running'}\n`,
  );
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    process.stderr.write(`[infra] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}

// `node infra/up.ts [kafka|registry|redis ...]` (pnpm infra:up): starts Kafka, the schema registry
// and Redis (or the named ones) for local development and tests, or finds them already up. Progress goes to stderr; stdout carries only
// the KEY=value lines other scripts parse (also written to .infra/env).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { infraUp, type ComponentName } from './lib/infra.ts';

const COMPONENTS: readonly string[] = ['kafka', 'registry', 'redis'];

async function main(): Promise<void> {
  const started = Date.now();
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  const unknown = positionals.filter((p) => !COMPONENTS.includes(p));
  if (unknown.length > 0) throw new Error(`unknown component ${unknown.join(', ')} (kafka, registry, redis)`);
  // From the script's location, not the cwd: works from any directory and in a fresh clone.
  const { env, started: launched } = await infraUp({
    root: join(import.meta.dirname, '..'),
    ...(positionals.length > 0 ? { components: positionals as ComponentName[] } : {}),
  });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`[infra] up in ${took} s${launched.length > 0 ? ` (started: ${launched.join(', ')})` : ''}\n`);
  for (const [key, value] of Object.entries(env)) process.stdout.write(`${key}=${value}\n`);
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    process.stderr.write(`[infra] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}

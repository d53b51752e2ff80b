import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment the commands read: the process's own variables, over the ones `pnpm infra:up`
 * wrote to .infra/env, so `pnpm marketpipe …` in a checkout finds the local stack unconfigured.
 */
export function cliEnv(cwd: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = join(cwd, '.infra', 'env');
  if (!existsSync(file)) return env;
  const local: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m !== null) local[m[1] as string] = m[2] as string;
  }
  return { ...local, ...env };
}

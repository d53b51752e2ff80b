// `pnpm stack:up [--sim] [--universe default|full]` / `pnpm stack:down`: the distributed mode on one
// machine. up = infra:up, then the seven services (and the simulator) as separate processes, ready.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { infraDown, infraUp } from './lib/infra.ts';
import { readEnvFile, stackDown, stackUp } from './lib/stack.ts';

const root = join(import.meta.dirname, '..');
const log = (line: string): void => void process.stderr.write(`[stack] ${line}\n`);

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      sim: { type: 'boolean', default: false },
      universe: { type: 'string', default: 'default' },
      'base-port': { type: 'string', default: '18081' },
      'keep-infra': { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (command === 'up') {
    if (values.universe !== 'default' && values.universe !== 'full')
      throw new Error('--universe must be default or full');
    const { env } = await infraUp({ root });
    await stackDown(root, log); // a second up replaces the previous stack instead of doubling it
    await stackUp({
      root,
      env: { ...readEnvFile(root), ...env },
      sim: values.sim,
      universe: values.universe,
      basePort: Number(values['base-port']),
      log,
    });
    log(`all services ready; logs in ${join(root, '.infra', 'logs')}; pnpm stack:down stops everything`);
    for (const [k, v] of Object.entries(env)) process.stdout.write(`${k}=${v}\n`);
  } else if (command === 'down') {
    await stackDown(root, log);
    if (!values['keep-infra']) await infraDown({ root });
  } else {
    throw new Error('usage: node infra/stack.ts up [--sim] [--universe default|full] | down [--keep-infra]');
  }
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    process.stderr.write(`[stack] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}

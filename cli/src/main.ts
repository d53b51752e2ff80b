#!/usr/bin/env node
// `marketpipe <command>`: the operator CLI. See USAGE in args.ts.
import { ConfigError } from '@marketpipe/runtime';
import { parseCliArgs, USAGE, type Command } from './args';
import { snapshotCommand } from './commands/snapshot';
import { schemasCommand } from './commands/schemas';
import { tailCommand } from './commands/tail';
import { topicsCommand } from './commands/topics';
import { cliEnv } from './env';
import { processOutput } from './output';

async function run(cmd: Command, signal: AbortSignal): Promise<number> {
  const env = cliEnv(process.cwd());
  switch (cmd.name) {
    case 'help':
      processOutput.out(USAGE);
      return 0;
    case 'snapshot':
      return snapshotCommand(cmd, env, processOutput);
    case 'tail':
      return tailCommand(cmd, env, processOutput, signal);
    case 'topics':
      return topicsCommand(cmd, env, processOutput);
    case 'schemas':
      return schemasCommand(cmd, env, processOutput);
  }
}

async function main(): Promise<void> {
  let cmd: Command;
  try {
    cmd = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`marketpipe: ${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    process.exitCode = await run(cmd, stop.signal);
  } catch (err) {
    process.stderr.write(`marketpipe ${cmd.name}: ${(err as Error).message}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  }
}

void main();

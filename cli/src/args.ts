import { parseArgs } from 'node:util';

export type Command =
  | { name: 'snapshot'; symbols: string[]; all: boolean; json: boolean }
  | { name: 'tail'; topic: string; fromBeginning: boolean; max: number | null; key: string | null }
  | { name: 'topics'; create: boolean; json: boolean }
  | { name: 'schemas'; check: boolean; json: boolean }
  | { name: 'help' };

export const USAGE = `usage: marketpipe <command> [options]

  snapshot <SYMBOL>...   the latest unified snapshot of each symbol, from Redis
  snapshot --all         every symbol the consolidator has written, and the global metrics
      --json             print the stored JSON instead of a table
  tail <topic>           decode a topic's Avro records as JSON lines (Ctrl-C stops)
      --from-beginning   start at the oldest retained record (default: only new records)
      --max <n>          stop after n records
      --key <SYMBOL>     only records with this key
  topics                 each topic marketpipe needs: partitions, cleanup.policy, retention.ms
      --create           create the missing ones and align the configs that differ
      --json             machine-readable output
  schemas                register every contract schema (refused when incompatible)
      --check            only check: registered? compatible? (nothing is written)
      --json             machine-readable output

Connection settings come from the environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL,
REDIS_PREFIX, … as in the README's configuration table); variables left unset fall back to
.infra/env, which \`pnpm infra:up\` writes.`;

/** Parses the command line; throws an Error naming what is wrong. */
export function parseCliArgs(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return { name: 'help' };
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    strict: true,
    options: {
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'from-beginning': { type: 'boolean', default: false },
      max: { type: 'string' },
      key: { type: 'string' },
      create: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
  });
  const allowOnly = (allowed: readonly string[]): void => {
    const given = Object.entries(values)
      .filter(([k, v]) => v !== undefined && v !== false && !allowed.includes(k))
      .map(([k]) => `--${k}`);
    if (given.length > 0) throw new Error(`${name} does not take ${given.join(', ')}`);
  };
  switch (name) {
    case 'snapshot': {
      allowOnly(['all', 'json']);
      if (values.all && positionals.length > 0) throw new Error('snapshot takes symbols or --all, not both');
      if (!values.all && positionals.length === 0) throw new Error('snapshot needs a symbol (e.g. BTCUSDT) or --all');
      return { name, symbols: positionals.map((s) => s.toUpperCase()), all: values.all, json: values.json };
    }
    case 'tail': {
      allowOnly(['from-beginning', 'max', 'key']);
      if (positionals.length !== 1) throw new Error('tail needs exactly one topic, e.g. tail unified-market');
      let max: number | null = null;
      if (values.max !== undefined) {
        max = Number(values.max);
        if (!Number.isInteger(max) || max < 1) throw new Error(`--max must be a positive integer, got "${values.max}"`);
      }
      return {
        name,
        topic: positionals[0] as string,
        fromBeginning: values['from-beginning'],
        max,
        key: values.key ?? null,
      };
    }
    case 'topics':
      allowOnly(['create', 'json']);
      if (positionals.length > 0) throw new Error(`topics takes no arguments, got ${positionals.join(' ')}`);
      return { name, create: values.create, json: values.json };
    case 'schemas':
      allowOnly(['check', 'json']);
      if (positionals.length > 0) throw new Error(`schemas takes no arguments, got ${positionals.join(' ')}`);
      return { name, check: values.check, json: values.json };
    default:
      throw new Error(`unknown command "${name}" (snapshot, tail, topics, schemas)`);
  }
}

import { parseArgs } from 'node:util';

export interface StartArgs {
  sim: boolean;
  universe: 'default' | 'full';
  seed: string;
  host: string;
  port: number;
  /** Live terminal view (off when stdout is not a terminal, or with --no-view). */
  view: boolean;
  /** Stop by itself after this many seconds (tests, demos); 0 = run until Ctrl-C. */
  durationSeconds: number;
}

export const USAGE = `usage: pnpm start [--sim] [--universe default|full] [--seed S] [--port 8090] [--host 127.0.0.1] [--no-view] [--duration SECONDS]
  --sim        run against the bundled Binance simulator instead of live Binance
  --universe   simulator universe: default (the seed's symbols) or full (~2,000 spot symbols)
  --port       HTTP snapshot API port (GET /snapshot/:symbol, /snapshot, /global)
  --no-view    log lines instead of the live terminal view
  --duration   stop after this many seconds`;

/** Parses the command line; throws an Error naming the bad argument. */
export function parseStartArgs(argv: readonly string[], isTty: boolean): StartArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sim: { type: 'boolean', default: false },
      universe: { type: 'string', default: 'default' },
      seed: { type: 'string', default: '42' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8090' },
      'no-view': { type: 'boolean', default: false },
      duration: { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) throw new Error(USAGE);
  if (values.universe !== 'default' && values.universe !== 'full')
    throw new Error(`--universe must be default or full, got "${values.universe}"`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got "${values.port}"`);
  const duration = Number(values.duration);
  if (!Number.isFinite(duration) || duration < 0)
    throw new Error(`--duration must be a number of seconds >= 0, got "${values.duration}"`);
  return {
    sim: values.sim,
    universe: values.universe,
    seed: values.seed,
    host: values.host,
    port,
    view: isTty && !values['no-view'],
    durationSeconds: duration,
  };
}

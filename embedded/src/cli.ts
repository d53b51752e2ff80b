// `pnpm start [--sim]`: the whole pipeline in one process. See args.ts for the flags.
import { createLogger } from '@marketpipe/runtime';
import { parseStartArgs, type StartArgs } from './args';
import { startEmbedded, type Embedded } from './start';
import { renderView } from '@marketpipe/consolidator';

const CLEAR = '\x1b[H\x1b[2J';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

function summary(e: Embedded): string {
  const rows = [...e.store.unified.values()];
  const fresh = rows.filter((u) => u.freshness.every((f) => !f.present || !f.stale)).length;
  return `${rows.length} symbols, ${fresh} with every present source fresh`;
}

async function main(): Promise<void> {
  let args: StartArgs;
  try {
    args = parseStartArgs(process.argv.slice(2), process.stdout.isTTY === true);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  // With the live view on, logs would tear the screen: only warnings and worse, to stderr.
  const logger = createLogger(
    'marketpipe',
    args.view ? 'warn' : ((process.env['LOG_LEVEL'] as 'info' | undefined) ?? 'info'),
  );
  let embedded: Embedded;
  try {
    embedded = await startEmbedded(args, logger);
  } catch (err) {
    process.stderr.write(`marketpipe: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const source =
    embedded.simulatorUrl === null
      ? 'live Binance'
      : `the Binance simulator at ${embedded.simulatorUrl} (${args.universe} universe)`;
  process.stdout.write(
    `marketpipe (embedded): capture-spot, capture-futures, capture-options, quantum, psych, srona, consolidator\n` +
      `  market data from ${source}\n` +
      `  snapshots at ${embedded.httpUrl}/snapshot/BTCUSDT, ${embedded.httpUrl}/snapshot, ${embedded.httpUrl}/global; metrics at ${embedded.httpUrl}/metrics\n` +
      `  Ctrl-C stops\n`,
  );
  const started = Date.now();
  const timer = setInterval(
    () => {
      const status = `${summary(embedded)} · up ${Math.round((Date.now() - started) / 1000)} s · ${embedded.httpUrl}`;
      if (args.view) process.stdout.write(`${CLEAR}${renderView([...embedded.store.unified.values()], status)}\n`);
      else process.stdout.write(`[marketpipe] ${status}\n`);
    },
    args.view ? 1000 : 5000,
  );
  if (args.view) process.stdout.write(HIDE_CURSOR);
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    if (args.view) process.stdout.write(SHOW_CURSOR);
    process.stdout.write(`\nmarketpipe: stopping (${reason})…\n`);
    const deadline = setTimeout(() => {
      process.stderr.write('marketpipe: did not stop within 10 s\n');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    embedded.stop().then(
      () => {
        process.stdout.write(`marketpipe: stopped cleanly (${summary(embedded)})\n`);
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`marketpipe: unclean stop: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  if (args.durationSeconds > 0)
    setTimeout(() => stop(`--duration ${args.durationSeconds}`), args.durationSeconds * 1000);
}

void main();

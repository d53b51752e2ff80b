// `pnpm start --sim`, non-interactive, for a minute: every stage in one process against the
// simulator; all symbols fresh with every source; a clean stop on SIGINT.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { UnifiedMarket } from '@marketpipe/contracts';

const CLI = join(__dirname, '..', 'dist', 'cli.js');

it('runs the whole pipeline on the simulator for 60 s with every symbol fresh, and stops cleanly on SIGINT', async () => {
  const child = spawn(process.execPath, [CLI, '--sim', '--no-view', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    for (let i = 0; i < 100 && !/snapshots at (http:\/\/[0-9.:]+)\//.test(out); i++)
      await new Promise((r) => setTimeout(r, 100));
    const base = /snapshots at (http:\/\/[0-9.:]+)\//.exec(out)?.[1];
    if (base === undefined) throw new Error(`no URL printed:\n${out}\n${err}`);
    expect(out).toContain('market data from the Binance simulator');
    await new Promise((r) => setTimeout(r, 60_000));
    const all = (await (await fetch(`${base}/snapshot`)).json()) as Record<string, UnifiedMarket>;
    expect(Object.keys(all).sort()).toEqual([
      'ADAUSDT',
      'BNBUSDT',
      'BTCUSDT',
      'DOGEUSDT',
      'ETHUSDT',
      'SOLUSDT',
      'XRPUSDT',
    ]);
    // The six spot/futures symbols have their spot, futures, quantum and psych sources; the
    // options underlyings have chains and SRONA reports; nothing present is stale.
    for (const u of Object.values(all)) {
      for (const f of u.freshness)
        if (f.present)
          expect({ symbol: u.symbol, source: f.source, stale: f.stale }).toEqual({
            symbol: u.symbol,
            source: f.source,
            stale: false,
          });
    }
    expect(all['BTCUSDT']?.sourcesPresent).toEqual(['SPOT', 'FUTURES', 'OPTIONS', 'QUANTUM', 'PSYCH', 'SRONA']);
    expect(all['BTCUSDT']?.psych?.status).toBe('READY');
    const global = (await (await fetch(`${base}/global`)).json()) as { symbolCount: number };
    expect(global.symbolCount).toBe(7);
    const t0 = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(out).toContain('marketpipe: stopped cleanly');
    expect(err).not.toMatch(/"level":(50|60)/); // no error or fatal log line in the whole run
  } finally {
    child.kill('SIGKILL');
  }
}, 120_000);

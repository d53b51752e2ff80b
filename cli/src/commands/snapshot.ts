import {
  asOf,
  CONSOLIDATOR_CONFIG,
  REDIS_CONFIG,
  renderView,
  SnapshotReader,
  type SnapshotRead,
} from '@marketpipe/consolidator';
import type { GlobalMetrics, UnifiedMarket } from '@marketpipe/contracts';
import { parseConfig } from '@marketpipe/runtime';
import { Redis } from 'ioredis';
import type { Output } from '../output';

/** Redis plus the stale threshold, read from the same variables the consolidator reads. */
export const SNAPSHOT_CONFIG = { ...REDIS_CONFIG, CONSOLIDATOR_STALE_MS: CONSOLIDATOR_CONFIG.CONSOLIDATOR_STALE_MS };

function globalLine(g: GlobalMetrics | null, now: number): string {
  if (g === null) return 'global: none in Redis';
  const pct = (x: number | null): string => (x === null ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}%`);
  return (
    `global: regime ${g.regime}, ${g.symbolCount} symbols, avg 24h change ${pct(g.averagePriceChangePercent)}, ` +
    `avg quantum ${g.averageQuantumScore === null ? '–' : g.averageQuantumScore.toFixed(3)}, ` +
    `written ${((now - g.emitTime) / 1000).toFixed(1)} s ago`
  );
}

/** The table (or JSON) for the snapshots read; returns 1 when a requested symbol has none. */
export function renderSnapshots(
  reads: readonly SnapshotRead[],
  global: GlobalMetrics | null,
  options: { json: boolean; all: boolean; now: number; staleMs: number },
): { lines: string[]; exitCode: number } {
  const found: UnifiedMarket[] = [];
  const missing: string[] = [];
  for (const r of reads) {
    if ('unified' in r) found.push(asOf(r.unified, options.now, options.staleMs));
    else
      missing.push(
        `${r.symbol} (${r.missing === 'expired' ? 'expired: the consolidator stopped writing it' : 'never written'})`,
      );
  }
  const exitCode = !options.all && missing.length > 0 ? 1 : 0;
  if (options.json) {
    const lines = found.map((u) => JSON.stringify(u));
    if (options.all) lines.push(JSON.stringify({ global }));
    return { lines, exitCode };
  }
  const oldest = found.reduce((m, u) => Math.max(m, options.now - u.emitTime), 0);
  const status = [
    `${found.length} symbol${found.length === 1 ? '' : 's'}, oldest written ${(oldest / 1000).toFixed(1)} s ago; ages as of now, stale (*) past ${options.staleMs} ms`,
    ...(missing.length > 0 ? [`no snapshot: ${missing.join(', ')}`] : []),
    ...(options.all ? [globalLine(global, options.now)] : []),
  ].join('\n');
  return { lines: [renderView(found, status)], exitCode };
}

export async function snapshotCommand(
  cmd: { symbols: string[]; all: boolean; json: boolean },
  env: NodeJS.ProcessEnv,
  output: Output,
): Promise<number> {
  const config = parseConfig(SNAPSHOT_CONFIG, env);
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    ...(config.REDIS_USERNAME === undefined ? {} : { username: config.REDIS_USERNAME }),
    ...(config.REDIS_PASSWORD === undefined ? {} : { password: config.REDIS_PASSWORD }),
    ...(config.REDIS_TLS ? { tls: {} } : {}),
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect().catch((err: unknown) => {
      throw new Error(`cannot reach Redis at ${config.REDIS_URL}: ${(err as Error).message}`);
    });
    const reader = new SnapshotReader(redis, config.REDIS_PREFIX);
    const reads = cmd.all ? await reader.readAll() : await reader.read(cmd.symbols);
    const global = cmd.all ? await reader.global() : null;
    const { lines, exitCode } = renderSnapshots(reads, global, {
      json: cmd.json,
      all: cmd.all,
      now: Date.now(),
      staleMs: config.CONSOLIDATOR_STALE_MS,
    });
    for (const l of lines) output.out(l);
    return exitCode;
  } finally {
    redis.disconnect();
  }
}

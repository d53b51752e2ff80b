// The distributed mode end to end: the seven services as separate processes against the
// simulator, on real Kafka, the registry and Redis (pnpm stack:up --sim).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { UnifiedMarket } from '@marketpipe/contracts';
import { Redis } from 'ioredis';
import { sleep } from './wait';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const STACK = join(ROOT, 'infra', 'stack.ts');

it('runs all seven services as processes; within 10 s Redis holds BTCUSDT with all six sources fresh', async () => {
  const redis = new Redis(process.env['REDIS_URL'] as string);
  try {
    const { stderr } = await run(process.execPath, [STACK, 'up', '--sim', '--base-port', '19081'], {
      cwd: ROOT,
      timeout: 180_000,
    });
    expect(stderr).toContain('all services ready');
    const ready = Date.now();
    let snapshot: UnifiedMarket | undefined;
    while (Date.now() - ready < 10_000) {
      const text = await redis.get('marketpipe:unified:BTCUSDT');
      const u = text === null ? undefined : (JSON.parse(text) as UnifiedMarket);
      // Earlier runs left records on the topics: wait for this run's fresh ones.
      if (u !== undefined && u.sourcesPresent.length === 6 && u.freshness.every((f) => f.present && !f.stale)) {
        snapshot = u;
        break;
      }
      await sleep(200);
    }
    expect(snapshot?.sourcesPresent).toEqual(['SPOT', 'FUTURES', 'OPTIONS', 'QUANTUM', 'PSYCH', 'SRONA']);
    expect(snapshot?.freshness.every((f) => f.present && !f.stale)).toBe(true);
    for (let port = 19081; port <= 19087; port++) {
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('process_cpu_user_seconds_total');
    }
    const capture = await (await fetch('http://127.0.0.1:19081/metrics')).text();
    expect(capture).toMatch(
      /marketpipe_capture_records_total\{topic="market.spot.ticker",service="capture-spot"\} [1-9]/,
    );
  } finally {
    const { stderr } = await run(process.execPath, [STACK, 'down', '--keep-infra'], { cwd: ROOT, timeout: 60_000 });
    expect(stderr.match(/stopped /g)?.length).toBe(8);
    redis.disconnect();
  }
}, 240_000);

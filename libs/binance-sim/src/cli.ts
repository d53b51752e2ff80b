#!/usr/bin/env node
// pnpm sim --port N [--universe default|full] [--seed S] [--replay DIR] [--time ISO] …

import { parseArgs } from 'node:util';
import { parseFaultRule, type FaultRule } from './http/faults';
import { type LimitConfig } from './http/limits';
import { startSimulator } from './simulator';
import { type WsOptions } from './ws/config';

const HELP = `binance-sim: a Binance REST and WebSocket-stream simulator (spot /api/v3, USD-M /fapi/v1, options /eapi/v1) on one port

  --port N              port (default 0: any free port)
  --host H              bind address (default 127.0.0.1)
  --universe U          default (the seed symbols) | full (~2,000 spot, ~500 perpetuals, ~1,500 options)
  --seed S              market seed, number or text (default 1)
  --time T              start the model clock at T (ISO date or ms epoch); it then runs at wall-clock speed
  --replay DIR          serve recorded responses from DIR (fixtures layout) instead of the model
  --limit-spot N        spot REQUEST_WEIGHT per minute (default 6000)
  --limit-futures N     USD-M REQUEST_WEIGHT per minute (default 2400)
  --limit-options N     options REQUEST_WEIGHT per minute (default 2400)
  --ban-ms N            first 418 ban length in ms (default 120000; doubles per repeat, max 3 days)
  --ban-after N         429s tolerated while Retry-After runs before a ban (default 2)
  --latency MS          add MS of latency to every response
  --fault JSON          a fault rule, e.g. '{"kind":"status","status":503,"count":5}' (repeatable)
  --ws-lifetime-ms N    WebSocket connection lifetime (default 86400000, Binance's 24 h)
  --ws-ping-ms N        WebSocket ping interval of all products (default: spot 20 s, USD-M 3 min, options 5 min)
  --ws-pong-timeout-ms N  close a connection that has not answered a ping within N ms
  --ws-tick-ms N        real ms standing for Binance's 1000 ms stream cadence (default 1000)
  --help`;

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      universe: { type: 'string' },
      seed: { type: 'string' },
      time: { type: 'string' },
      replay: { type: 'string' },
      'limit-spot': { type: 'string' },
      'limit-futures': { type: 'string' },
      'limit-options': { type: 'string' },
      'ban-ms': { type: 'string' },
      'ban-after': { type: 'string' },
      latency: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'ws-lifetime-ms': { type: 'string' },
      'ws-ping-ms': { type: 'string' },
      'ws-pong-timeout-ms': { type: 'string' },
      'ws-tick-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const universe = values.universe ?? 'default';
  if (universe !== 'default' && universe !== 'full')
    throw new Error(`--universe must be default or full, got ${universe}`);
  let now: (() => number) | undefined;
  if (values.time !== undefined) {
    const start = /^\d+$/.test(values.time) ? Number(values.time) : Date.parse(values.time);
    if (!Number.isFinite(start)) throw new Error(`--time must be an ISO date or ms epoch, got ${values.time}`);
    const offset = start - Date.now();
    now = () => Date.now() + offset;
  }
  const limits: Partial<Record<keyof LimitConfig, number>> = {};
  const limitFlags: [string, keyof LimitConfig][] = [
    ['limit-spot', 'spot'],
    ['limit-futures', 'futures'],
    ['limit-options', 'options'],
    ['ban-ms', 'banMs'],
    ['ban-after', 'banAfter'],
  ];
  for (const [flag, key] of limitFlags) {
    const v = int(flag, values[flag as keyof typeof values] as string | undefined);
    if (v !== undefined) limits[key] = v;
  }
  const faults: FaultRule[] = (values.fault ?? []).map((f) => parseFaultRule(JSON.parse(f)));
  const latency = int('latency', values.latency);
  if (latency) faults.push({ kind: 'latency', latencyMs: latency });
  const wsFlags: [string, keyof WsOptions][] = [
    ['ws-lifetime-ms', 'lifetimeMs'],
    ['ws-ping-ms', 'pingIntervalMs'],
    ['ws-pong-timeout-ms', 'pongTimeoutMs'],
    ['ws-tick-ms', 'tickMs'],
  ];
  const ws: Record<string, number> = {};
  for (const [flag, key] of wsFlags) {
    const v = int(flag, values[flag as keyof typeof values] as string | undefined);
    if (v !== undefined) ws[key] = v;
  }
  const seed = values.seed === undefined ? 1 : /^-?\d+$/.test(values.seed) ? Number(values.seed) : values.seed;

  const started = Date.now();
  const sim = await startSimulator({
    port: int('port', values.port) ?? 0,
    host: values.host ?? '127.0.0.1',
    universe,
    seed,
    limits,
    faults,
    warm: true,
    ws: ws as WsOptions,
    ...(now ? { now } : {}),
    ...(values.replay !== undefined ? { replayDir: values.replay } : {}),
  });
  const info = (await (await fetch(`${sim.url}/__sim/info`)).json()) as { symbols: Record<string, number> };
  const s = info.symbols;
  console.log(
    `binance-sim listening on ${sim.url} (universe ${universe}: ${s.spot} spot, ${s.futures} futures, ${s.options} options; seed ${String(seed)}${values.replay ? `; replaying ${values.replay}` : ''}; ready in ${Date.now() - started} ms)`,
  );
  console.log(
    `  spot    ${sim.url}/api/v3   futures ${sim.url}/fapi/v1   options ${sim.url}/eapi/v1   admin ${sim.url}/__sim/stats`,
  );
  console.log(
    `  streams ${sim.wsUrl}/ws/<stream>, ${sim.wsUrl}/stream?streams=a/b (spot); ${sim.wsUrl}/market/... and /public/... (USD-M, options)`,
  );
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`binance-sim: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

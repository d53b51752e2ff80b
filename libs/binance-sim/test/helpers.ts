// Shared test helpers: a simulator on a hand-driven clock, fetch shortcuts, fixture shapes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '@marketpipe/binance-sim';

export const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'binance');

/** 2026-11-25 08:30:15.250 UTC: a Wednesday, mid-hour, mid-minute. */
export const T0 = Date.UTC(2026, 10, 25, 8, 30, 15, 250);

export interface TestSim extends Simulator {
  clock: { now: number };
  get(path: string, init?: RequestInit): Promise<Response>;
  json<T = unknown>(path: string): Promise<T>;
}

export async function startTestSim(options: SimulatorOptions = {}): Promise<TestSim> {
  const clock = { now: T0 };
  const sim = await startSimulator({ seed: 7, now: () => clock.now, ...options });
  const get = (path: string, init?: RequestInit): Promise<Response> => fetch(sim.url + path, init);
  return Object.assign(sim, {
    clock,
    get,
    json: async <T>(path: string): Promise<T> => {
      const res = await get(path);
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
  });
}

export function fixture(path: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as unknown;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The JSON type of each key of a record: string, number, boolean, array, object, null. */
export function shape(record: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record as Record<string, unknown>))
    out[k] = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  return out;
}

export function first(x: unknown): Record<string, unknown> {
  const v = Array.isArray(x) ? (x[0] as unknown) : x;
  if (typeof v !== 'object' || v === null) throw new Error('no record');
  return v as Record<string, unknown>;
}

/** Decimal string → BigInt count of 10^-8 (exact sums of Binance's 8-decimal strings). */
export function e8(s: string): bigint {
  const [int = '0', frac = ''] = s.split('.');
  const neg = int.startsWith('-');
  const v = BigInt(int.replace('-', '') + (frac + '00000000').slice(0, 8));
  return neg ? -v : v;
}

export const DECIMAL = /^-?\d+(\.\d+)?$/;

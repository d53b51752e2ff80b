// Shared writer for `pnpm bench` results: every report is JSON under reports/bench/<name>.json with
// the machine it ran on, so numbers from different machines are never compared unknowingly.
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MachineInfo {
  os: string;
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  node: string;
  date: string;
}

/** The repository's reports/bench directory (bench/ sits at the repository root). */
export const REPORT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'reports', 'bench');

export function machineInfo(now: Date = new Date()): MachineInfo {
  const cpu = cpus()[0];
  return {
    os: `${type()} ${release()} (${platform()}/${arch()})`,
    cpuModel: cpu === undefined ? 'unknown' : cpu.model.trim(),
    cores: availableParallelism(),
    totalMemoryBytes: totalmem(),
    node: process.version,
    date: now.toISOString(),
  };
}

/** Writes `{ name, machine, ...body }` to reports/bench/<name>.json and returns the file path. */
export function writeReport(name: string, body: Record<string, unknown>): string {
  mkdirSync(REPORT_DIR, { recursive: true });
  const path = join(REPORT_DIR, `${name}.json`);
  writeFileSync(path, `${JSON.stringify({ name, machine: machineInfo(), ...body }, null, 2)}\n`);
  return path;
}

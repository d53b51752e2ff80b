// Brings up the real Kafka, schema registry and Redis for the integration tests, unless the
// environment already points at running ones (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL).
// Whatever this run starts is recorded so the teardown stops exactly that and nothing else.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const RUN_DIR = join(ROOT, '.infra', 'run');
export const STARTED_FILE = join(ROOT, '.infra', 'jest-started.json');

const REQUIRED = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'REDIS_URL'] as const;

function running(): Set<string> {
  return new Set(
    existsSync(RUN_DIR)
      ? readdirSync(RUN_DIR)
          .filter((f) => f.endsWith('.pid'))
          .map((f) => f.slice(0, -4))
      : [],
  );
}

export default function globalSetup(): void {
  if (REQUIRED.every((name) => (process.env[name] ?? '') !== '')) return;
  const before = running();
  const out = execFileSync(
    process.execPath,
    ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', join(ROOT, 'infra', 'up.ts')],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 600_000,
    },
  );
  for (const line of out.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    // Test workers inherit the parent's environment, so this is how they find the services.
    if (m !== null && (process.env[m[1] as string] ?? '') === '') process.env[m[1] as string] = m[2];
  }
  const missing = REQUIRED.filter((name) => (process.env[name] ?? '') === '');
  if (missing.length > 0) throw new Error(`infra/up.ts did not report ${missing.join(', ')}; see .infra/logs`);
  const started = [...running()].filter((c) => !before.has(c));
  mkdirSync(join(ROOT, '.infra'), { recursive: true });
  writeFileSync(STARTED_FILE, JSON.stringify(started));
}

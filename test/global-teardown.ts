// Stops what the global setup started (and only that); infrastructure found running stays up.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STARTED_FILE } from './global-setup';

const ROOT = join(__dirname, '..');

export default function globalTeardown(): void {
  if (!existsSync(STARTED_FILE)) return;
  const started = JSON.parse(readFileSync(STARTED_FILE, 'utf8')) as string[];
  rmSync(STARTED_FILE);
  if (started.length === 0 || process.env['MARKETPIPE_KEEP_INFRA'] === '1') return;
  execFileSync(
    process.execPath,
    ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', join(ROOT, 'infra', 'down.ts'), ...started],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 120_000,
    },
  );
}

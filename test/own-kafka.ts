// A Kafka broker of a test's own, for tests that stop one: stopping the shared broker would break
// the suites running beside them. infra/up.ts in a scratch infra dir, reusing the jars fetched.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');

export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => resolve(p));
      });
    });
    const next = await new Promise<boolean>((resolve) => {
      const s = createServer()
        .once('error', () => resolve(false))
        .listen(port + 1, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (next) return port; // the KRaft controller takes port + 1
  }
}

/** A broker of our own: infra/up.ts in a scratch infra dir, reusing the jars already fetched. */
export class OwnKafka {
  readonly dir = mkdtempSync(join(tmpdir(), 'mp-outage-'));
  constructor(readonly port: number) {
    const shared = join(ROOT, '.infra', 'kafka', 'libs');
    mkdirSync(join(this.dir, 'kafka'), { recursive: true });
    if (existsSync(shared)) symlinkSync(shared, join(this.dir, 'kafka', 'libs'));
  }
  private env(): NodeJS.ProcessEnv {
    return { ...process.env, MARKETPIPE_INFRA_DIR: this.dir, MARKETPIPE_KAFKA_PORT: String(this.port) };
  }
  private async script(name: string): Promise<void> {
    await promisify(execFile)(
      process.execPath,
      ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', join(ROOT, 'infra', name), 'kafka'],
      { env: this.env(), timeout: 300_000 },
    );
  }
  up = () => this.script('up.ts');
  down = () => this.script('down.ts');
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

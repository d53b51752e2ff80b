// Dockerfile lint without hadolint (not in Debian): the rules that matter for these images,
// checked on the parsed instructions of the final stage and of the file as a whole.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './kustomize';

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Instructions with continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current: Instruction | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (current === undefined && (line === '' || line.startsWith('#'))) return;
    if (current !== undefined) {
      if (line.startsWith('#')) return;
      current.args += ` ${line.replace(/\\$/, '').trim()}`;
    } else {
      const m = /^(\w+)\s*(.*)$/.exec(line.replace(/\\$/, ''));
      if (m === null) return;
      current = { op: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: i + 1 };
    }
    if (!raw.trimEnd().endsWith('\\')) {
      out.push(current);
      current = undefined;
    }
  });
  if (current !== undefined) out.push(current);
  return out;
}

const instructions = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const lastFrom = instructions.map((i) => i.op).lastIndexOf('FROM');
const runtime = instructions.slice(lastFrom);
const args = new Map(
  instructions
    .filter((i) => i.op === 'ARG' && i.args.includes('='))
    .map((i) => [i.args.split('=')[0] as string, i.args.slice(i.args.indexOf('=') + 1)]),
);
const expand = (s: string): string => s.replace(/\$\{(\w+)\}/g, (_m, name: string) => args.get(name) ?? '');

describe('Dockerfile', () => {
  it('builds every stage from a pinned node:24 slim image (the Node major of CI and .nvmrc)', () => {
    const nvmrc = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();
    const bases = instructions.filter((i) => i.op === 'FROM').map((i) => expand(i.args.split(/\s+/)[0] as string));
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases)
      expect(base).toMatch(new RegExp(`^node:${nvmrc}\\.\\d+\\.\\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$`));
  });

  it('runs as a non-root user, by uid', () => {
    const user = runtime.filter((i) => i.op === 'USER').pop();
    expect(user?.args).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  it('sets NODE_ENV=production, STOPSIGNAL SIGTERM and a HEALTHCHECK on /healthz', () => {
    expect(runtime.find((i) => i.op === 'ENV')?.args).toMatch(/NODE_ENV=production/);
    expect(runtime.find((i) => i.op === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(runtime.find((i) => i.op === 'HEALTHCHECK')?.args).toMatch(/\/healthz/);
  });

  it('installs with the lockfile and keeps only production dependencies', () => {
    const runs = instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /pnpm install .*--frozen-lockfile/.test(r))).toBe(true);
    expect(runs.some((r) => /pnpm .*deploy --prod/.test(r))).toBe(true);
    expect(runtime.some((i) => i.op === 'COPY' && i.args.includes('--from=build'))).toBe(true);
  });

  it('has an exec-form ENTRYPOINT (node is PID 1 and receives SIGTERM itself)', () => {
    expect(runtime.find((i) => i.op === 'ENTRYPOINT')?.args).toMatch(/^\["node",/);
  });

  it('bakes no secrets into the image', () => {
    for (const i of instructions.filter((x) => x.op === 'ENV' || x.op === 'ARG')) {
      expect({ line: i.line, args: i.args }).not.toEqual({
        line: i.line,
        args: expect.stringMatching(/(PASSWORD|SECRET|TOKEN|_KEY|CREDENTIAL)/i),
      });
    }
    expect(instructions.some((i) => i.op === 'ADD')).toBe(false);
  });

  it('has a .dockerignore that keeps host builds, tools and secrets out of the context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.git', '.tools', '.infra', '**/.env'])
      expect(ignored).toContain(entry);
  });

  it('parses continuation lines and comments like Docker does', () => {
    const parsed = parseDockerfile('FROM a:1\n# note\nRUN one \\\n  # inside\n  two\nUSER 1000\n');
    expect(parsed).toEqual([
      { op: 'FROM', args: 'a:1', line: 1 },
      { op: 'RUN', args: 'one two', line: 3 },
      { op: 'USER', args: '1000', line: 6 },
    ]);
  });
});

// Runs the short-lived tools (mvn, tar, java -version, StorageTool) with output captured:
// their chatter stays off stdout, and is shown only when they fail.
import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  output: string;
}

export function run(command: string, args: readonly string[], cwd: string): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new Error(`${command} is not installed (not found on PATH)`) : err);
    });
    child.on('close', (code) => resolvePromise({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

export async function runChecked(command: string, args: readonly string[], cwd: string, what: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(
      `${what} failed (exit ${result.code ?? 'signal'}): ${command} ${args.join(' ')}\n${result.output.trim()}`,
    );
  }
  return result.output;
}

/** One component's place in the Maven queue; released unused when that component needs no fetch. */
export interface MavenTurn {
  /** onStart fires when the turn actually begins, so progress messages appear in true order. */
  run(args: readonly string[], what: string, onStart?: () => void): Promise<string>;
  release(): void;
}

/**
 * Maven 3.8's local repository is not safe for concurrent writers, yet Kafka and the registry
 * are prepared in parallel. Turns serialise the mvn calls in a fixed order (Kafka's small jar set
 * first, so the broker, the slower starter, boots while the 108 MB registry archive is fetched).
 */
export function mavenTurns(mvn: string, cwd: string, count: number): MavenTurn[] {
  const turns: MavenTurn[] = [];
  let previousDone: Promise<void> = Promise.resolve();
  for (let i = 0; i < count; i++) {
    const before = previousDone;
    let markDone = (): void => undefined;
    const done = new Promise<void>((resolveDone) => {
      markDone = resolveDone;
    });
    let used = false;
    turns.push({
      async run(args, what, onStart) {
        used = true;
        await before;
        try {
          onStart?.();
          return await runChecked(mvn, ['-B', '-q', ...args], cwd, what);
        } finally {
          markDone();
        }
      },
      release() {
        if (!used) void before.then(markDone);
      },
    });
    previousDone = done;
  }
  return turns;
}

let javaChecked: Promise<void> | undefined;

/** Kafka 3.9 and Apicurio 3 both need Java 17+; an older default java fails with class-version noise. */
export function checkJava(java: string, cwd: string): Promise<void> {
  javaChecked ??= (async () => {
    const out = await runChecked(java, ['-version'], cwd, 'java -version');
    const match = /version "(\d+)(?:\.(\d+))?/.exec(out);
    const major = match === null ? NaN : Number(match[1] === '1' ? match[2] : match[1]);
    if (!(major >= 17)) {
      throw new Error(
        `${java} is Java ${Number.isNaN(major) ? '?' : major}; Kafka and Apicurio need 17+ (set MARKETPIPE_JAVA)`,
      );
    }
  })();
  return javaChecked;
}

// docker-compose.yml as data: its services and, for the consistency check, each container's
// environment with `${VAR:-default}` interpolation resolved to the default a laptop gets.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ContainerEnv, EnvEntry } from './env-check';

export interface ComposeService {
  image?: string;
  environment?: Record<string, unknown> | string[];
  profiles?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  command?: unknown;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

export function parseCompose(text: string): ComposeFile {
  // merge: the file shares settings through YAML anchors and `<<` merge keys.
  const doc = parse(text, { merge: true }) as unknown;
  if (typeof doc !== 'object' || doc === null || !('services' in doc)) throw new Error('no services in compose file');
  return doc as ComposeFile;
}

export function readCompose(path: string): ComposeFile {
  return parseCompose(readFileSync(path, 'utf8'));
}

export type Variables = Readonly<Record<string, string>>;

/** `KEY=VALUE` lines of a compose env file (comments and blank lines skipped). */
export function readEnvFile(path: string): Variables {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m !== null) out[m[1] as string] = (m[2] as string).trim();
  }
  return out;
}

/**
 * The value compose passes given `vars` (an env file); undefined when a variable is neither set
 * nor defaulted, i.e. the value is not known here.
 */
export function interpolate(raw: string, vars: Variables = {}): string | undefined {
  let unknown = false;
  const out = raw.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (match, name, fallback) => {
    if (match === '$$') return '$';
    const set = vars[name as string];
    if (set !== undefined && set !== '') return set;
    if (fallback === undefined) unknown = true;
    return (fallback as string | undefined) ?? '';
  });
  return unknown ? undefined : out;
}

function environment(service: ComposeService, vars: Variables): EnvEntry[] {
  const env = service.environment;
  if (env === undefined) return [];
  const pairs: [string, unknown][] = Array.isArray(env)
    ? env.map((line) => {
        const i = line.indexOf('=');
        return i < 0 ? [line, undefined] : [line.slice(0, i), line.slice(i + 1)];
      })
    : Object.entries(env);
  return pairs.map(([name, value]) => ({
    name,
    value: value === undefined || value === null ? undefined : interpolate(String(value), vars),
    source: 'environment',
  }));
}

export function composeContainers(file: ComposeFile, label: string, vars: Variables = {}): ContainerEnv[] {
  return Object.entries(file.services).map(([name, service]) => ({
    where: `${label} service ${name}`,
    image: interpolate(service.image ?? '', vars) ?? service.image ?? '',
    env: environment(service, vars),
  }));
}

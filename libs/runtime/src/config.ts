/**
 * Environment configuration, parsed and validated once at start-up. A service declares its
 * variables as a spec; the spec is also the single source for the README configuration table and
 * for checking that docker-compose and k8s set only variables that exist.
 */

/** Turns the raw string into a value or throws an Error saying what is wrong (not which variable). */
export type Parser<T> = (raw: string) => T;

export interface VarSpec<T> {
  doc: string;
  parse: Parser<T>;
  /** Raw default, parsed like a set value. Absent and no default = required. */
  default?: string;
  /** Optional variables without a default parse to undefined when unset. */
  optional?: boolean;
  /** Never echo the value in errors or logs. */
  secret?: boolean;
}

export type ConfigSpec = Record<string, VarSpec<unknown>>;

export type ConfigOf<S extends ConfigSpec> = {
  [K in keyof S]: S[K] extends VarSpec<infer T> ? (S[K] extends { optional: true } ? T | undefined : T) : never;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

/** Identity helper that keeps the literal types of a spec. */
export function defineConfig<S extends ConfigSpec>(spec: S): S {
  return spec;
}

export function parseConfig<S extends ConfigSpec>(spec: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, v] of Object.entries(spec)) {
    const set = env[name];
    const raw = set !== undefined && set !== '' ? set : v.default;
    if (raw === undefined) {
      if (v.optional === true) out[name] = undefined;
      else problems.push(`${name} is required (${v.doc})`);
      continue;
    }
    try {
      out[name] = v.parse(raw);
    } catch (err) {
      const shown = v.secret === true ? '(secret)' : JSON.stringify(raw);
      problems.push(`${name}=${shown}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

// ---- parsers -------------------------------------------------------------------------------

export function str(opts: { pattern?: RegExp; what?: string } = {}): Parser<string> {
  return (raw) => {
    if (opts.pattern !== undefined && !opts.pattern.test(raw))
      throw new Error(`expected ${opts.what ?? String(opts.pattern)}`);
    return raw;
  };
}

export function int(opts: { min?: number; max?: number } = {}): Parser<number> {
  return (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error('expected an integer');
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) throw new Error('integer out of range');
    if (opts.min !== undefined && n < opts.min) throw new Error(`must be >= ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) throw new Error(`must be <= ${opts.max}`);
    return n;
  };
}

export function num(opts: { min?: number; max?: number } = {}): Parser<number> {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new Error('expected a finite number');
    if (opts.min !== undefined && n < opts.min) throw new Error(`must be >= ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) throw new Error(`must be <= ${opts.max}`);
    return n;
  };
}

export function bool(): Parser<boolean> {
  return (raw) => {
    const v = raw.trim().toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
    throw new Error('expected true or false');
  };
}

export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  return (raw) => {
    if ((values as readonly string[]).includes(raw)) return raw as T;
    throw new Error(`expected one of ${values.join(', ')}`);
  };
}

export function url(protocols: readonly string[]): Parser<string> {
  return (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error(`expected a URL (${protocols.join(' or ')})`);
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, '')))
      throw new Error(`expected a ${protocols.join(' or ')} URL`);
    return raw;
  };
}

export function list<T>(item: Parser<T>, opts: { min?: number } = {}): Parser<T[]> {
  return (raw) => {
    const parts = raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (parts.length < (opts.min ?? 0)) throw new Error(`expected at least ${opts.min ?? 0} comma-separated values`);
    return parts.map((p, i) => {
      try {
        return item(p);
      } catch (err) {
        throw new Error(`item ${i + 1} (${JSON.stringify(p)}): ${(err as Error).message}`, { cause: err });
      }
    });
  };
}

export function hostPort(): Parser<string> {
  return (raw) => {
    const m = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(raw);
    if (m === null || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new Error('expected host:port');
    return raw;
  };
}

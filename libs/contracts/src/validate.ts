import type { AvroSchema } from './schemas';

/**
 * A compiled check of one value against one Avro schema. Returns undefined when the value conforms,
 * otherwise a message naming the first offending field path, e.g. `contracts[3].strike: expected a
 * finite double, got NaN`.
 *
 * Stricter than Avro where marketpipe needs it: doubles must be finite (Avro would carry NaN and
 * Infinity, and a trader reading NaN as a price is worse than a rejected record), longs must be safe
 * integers, and records must not carry fields the schema does not know (a typo'd field name would
 * otherwise vanish silently on encode).
 */
export type Check = (value: unknown, path: string) => string | undefined;

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function describe(value: unknown): string {
  if (value === undefined) return 'undefined (field missing)';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function at(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || namespace === undefined ? name : `${namespace}.${name}`;
}

function primitiveCheck(type: string): Check | undefined {
  switch (type) {
    case 'null':
      return (v, p) => (v === null ? undefined : `${p}: expected null, got ${describe(v)}`);
    case 'boolean':
      return (v, p) => (typeof v === 'boolean' ? undefined : `${p}: expected a boolean, got ${describe(v)}`);
    case 'string':
      return (v, p) => (typeof v === 'string' ? undefined : `${p}: expected a string, got ${describe(v)}`);
    case 'bytes':
      return (v, p) => (Buffer.isBuffer(v) ? undefined : `${p}: expected bytes, got ${describe(v)}`);
    case 'int':
      return (v, p) =>
        typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX
          ? undefined
          : `${p}: expected a 32-bit integer, got ${describe(v)}`;
    case 'long':
      return (v, p) => (Number.isSafeInteger(v) ? undefined : `${p}: expected a safe integer, got ${describe(v)}`);
    case 'float':
    case 'double':
      return (v, p) => (Number.isFinite(v) ? undefined : `${p}: expected a finite ${type}, got ${describe(v)}`);
    default:
      return undefined;
  }
}

/** Builds the check for a (self-contained) schema once; the check itself allocates only on failure. */
export function compileCheck(schema: AvroSchema): Check {
  const named = new Map<string, Check>();

  const compile = (node: AvroSchema, namespace: string | undefined): Check => {
    if (typeof node === 'string') {
      const primitive = primitiveCheck(node);
      if (primitive !== undefined) return primitive;
      const name = fullName(node, namespace);
      // Late-bound: a recursive type refers to itself before its check exists.
      return (v, p) => {
        const check = named.get(name);
        if (check === undefined) throw new Error(`Avro type ${name} is not defined in this schema`);
        return check(v, p);
      };
    }
    if (Array.isArray(node)) return compileUnion(node, namespace);
    const type = node['type'];
    if (type === 'record' || type === 'error') return compileRecord(node, namespace);
    if (type === 'enum') {
      const symbols = new Set(node['symbols'] as string[]);
      const name = fullName(
        String(node['name']),
        typeof node['namespace'] === 'string' ? node['namespace'] : namespace,
      );
      const check: Check = (v, p) =>
        typeof v === 'string' && symbols.has(v)
          ? undefined
          : `${p}: expected one of ${[...symbols].join('|')}, got ${describe(v)}`;
      named.set(name, check);
      return check;
    }
    if (type === 'array') {
      const item = compile(node['items'] as AvroSchema, namespace);
      return (v, p) => {
        if (!Array.isArray(v)) return `${p}: expected an array, got ${describe(v)}`;
        for (let i = 0; i < v.length; i++) {
          const problem = item(v[i], `${p}[${i}]`);
          if (problem !== undefined) return problem;
        }
        return undefined;
      };
    }
    if (type === 'map') {
      const value = compile(node['values'] as AvroSchema, namespace);
      return (v, p) => {
        if (!isRecordObject(v)) return `${p}: expected a map, got ${describe(v)}`;
        for (const key of Object.keys(v)) {
          const problem = value(v[key], at(p, key));
          if (problem !== undefined) return problem;
        }
        return undefined;
      };
    }
    if (type === 'fixed') throw new Error('fixed is not used by marketpipe contracts');
    return compile(type as AvroSchema, namespace);
  };

  const compileUnion = (branches: AvroSchema[], namespace: string | undefined): Check => {
    const checks = branches.map((b) => compile(b, namespace));
    const nullable = branches.includes('null');
    if (nullable && checks.length === 2) {
      const other = checks[branches[0] === 'null' ? 1 : 0] as Check;
      return (v, p) => (v === null ? undefined : other(v, p));
    }
    return (v, p) => {
      let first: string | undefined;
      for (const check of checks) {
        const problem = check(v, p);
        if (problem === undefined) return undefined;
        first ??= problem;
      }
      return first;
    };
  };

  const compileRecord = (node: Record<string, unknown>, namespace: string | undefined): Check => {
    const ns = typeof node['namespace'] === 'string' ? node['namespace'] : namespace;
    const name = fullName(String(node['name']), ns);
    const inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : ns;
    const fields = (node['fields'] as Record<string, unknown>[]).map((f) => ({
      name: String(f['name']),
      check: compile(f['type'] as AvroSchema, inner),
    }));
    const known = new Set(fields.map((f) => f.name));
    const check: Check = (v, p) => {
      if (!isRecordObject(v)) return `${p === '' ? '(record)' : p}: expected a ${name} record, got ${describe(v)}`;
      for (const field of fields) {
        const problem = field.check(v[field.name], at(p, field.name));
        if (problem !== undefined) return problem;
      }
      // Counting keys first keeps the common (valid) case free of per-key lookups.
      let count = 0;
      for (const key in v) if (Object.hasOwn(v, key)) count++;
      if (count !== fields.length) {
        for (const key of Object.keys(v)) if (!known.has(key)) return `${at(p, key)}: field not in schema ${name}`;
      }
      return undefined;
    };
    named.set(name, check);
    return check;
  };

  const root = compile(schema, undefined);
  return (value) => root(value, '');
}

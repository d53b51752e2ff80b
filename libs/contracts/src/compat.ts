import type { AvroSchema } from './schemas';

/**
 * Explains why one schema version cannot follow another: the registry decides, this names the
 * offending fields, because a refusal that says only "incompatible" sends an engineer diffing JSON
 * by hand. Implements Avro's schema-resolution rules (reader vs writer) for the types marketpipe
 * uses.
 */
export type Compatibility =
  'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

export const COMPATIBILITY_LEVELS: readonly Compatibility[] = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];

type Obj = Record<string, unknown>;
const PROMOTIONS: Record<string, readonly string[]> = {
  int: ['int', 'long', 'float', 'double'],
  long: ['long', 'float', 'double'],
  float: ['float', 'double'],
  string: ['string', 'bytes'],
  bytes: ['bytes', 'string'],
};

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || namespace === undefined ? name : `${namespace}.${name}`;
}

function indexNames(schema: AvroSchema): Map<string, Obj> {
  const index = new Map<string, Obj>();
  const visit = (node: AvroSchema, ns: string | undefined): void => {
    if (Array.isArray(node)) return node.forEach((b) => visit(b, ns));
    if (!isObj(node)) return;
    const t = node['type'];
    if (t === 'record' || t === 'enum' || t === 'fixed') {
      const name = fullName(String(node['name']), typeof node['namespace'] === 'string' ? node['namespace'] : ns);
      index.set(name, { ...node, name });
      const inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
      for (const f of (node['fields'] as Obj[] | undefined) ?? []) visit(f['type'] as AvroSchema, inner);
    } else if (t === 'array') visit(node['items'] as AvroSchema, ns);
    else if (t === 'map') visit(node['values'] as AvroSchema, ns);
    else if (t !== undefined) visit(t as AvroSchema, ns);
  };
  visit(schema, undefined);
  return index;
}

/** Normalizes a node to its definition: named references resolved, `{type: "long", ...}` unwrapped. */
function resolve(node: AvroSchema, index: Map<string, Obj>): AvroSchema {
  if (typeof node === 'string') {
    if (PROMOTIONS[node] !== undefined || node === 'null' || node === 'boolean' || node === 'double') return node;
    for (const [name, def] of index) if (name === node || name.endsWith(`.${node}`)) return def;
    return node;
  }
  if (
    isObj(node) &&
    typeof node['type'] === 'string' &&
    !['record', 'enum', 'fixed', 'array', 'map'].includes(node['type'])
  ) {
    return resolve(node['type'], index);
  }
  return node;
}

function kind(node: AvroSchema): string {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return 'union';
  return String(node['type']);
}

function label(node: AvroSchema): string {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return `union[${node.map(label).join(',')}]`;
  const t = String(node['type']);
  return t === 'record' || t === 'enum' ? `${t} ${String(node['name']).split('.').pop()}` : t;
}

/** Problems a reader with schema `reader` meets decoding data written with `writer`. */
function readProblems(
  reader: AvroSchema,
  writer: AvroSchema,
  rIndex: Map<string, Obj>,
  wIndex: Map<string, Obj>,
  path: string,
  seen: Set<string>,
): { path: string; problem: 'missing-no-default' | 'type' | 'enum'; detail: string }[] {
  const r = resolve(reader, rIndex);
  const w = resolve(writer, wIndex);
  if (Array.isArray(w)) {
    return w.flatMap((branch) => readProblems(r, branch, rIndex, wIndex, path, seen));
  }
  if (Array.isArray(r)) {
    for (const branch of r) if (readProblems(branch, w, rIndex, wIndex, path, seen).length === 0) return [];
    return [{ path, problem: 'type', detail: `${label(w)} is not readable as ${label(r)}` }];
  }
  const rk = kind(r);
  const wk = kind(w);
  if (typeof w === 'string' || typeof r === 'string') {
    const ok = rk === wk || (PROMOTIONS[wk] ?? []).includes(rk);
    return ok ? [] : [{ path, problem: 'type', detail: `type changed from ${label(w)} to ${label(r)}` }];
  }
  if (rk !== wk) return [{ path, problem: 'type', detail: `type changed from ${label(w)} to ${label(r)}` }];
  if (rk === 'array')
    return readProblems(r['items'] as AvroSchema, w['items'] as AvroSchema, rIndex, wIndex, `${path}[]`, seen);
  if (rk === 'map')
    return readProblems(r['values'] as AvroSchema, w['values'] as AvroSchema, rIndex, wIndex, `${path}{}`, seen);
  if (rk === 'enum') {
    const rs = new Set(r['symbols'] as string[]);
    const missing = (w['symbols'] as string[]).filter((s) => !rs.has(s));
    return missing.length === 0 || r['default'] !== undefined
      ? []
      : [{ path, problem: 'enum', detail: `enum symbols ${missing.join(', ')} are unknown to the reader` }];
  }
  if (rk === 'record') {
    const key = `${String(r['name'])}<-${String(w['name'])}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const wFields = new Map((w['fields'] as Obj[]).map((f) => [String(f['name']), f]));
    const out: ReturnType<typeof readProblems> = [];
    for (const rf of r['fields'] as Obj[]) {
      const name = String(rf['name']);
      const fieldPath = path === '' ? name : `${path}.${name}`;
      const wf = wFields.get(name);
      if (wf === undefined) {
        if (!('default' in rf)) out.push({ path: fieldPath, problem: 'missing-no-default', detail: '' });
      } else {
        out.push(...readProblems(rf['type'] as AvroSchema, wf['type'] as AvroSchema, rIndex, wIndex, fieldPath, seen));
      }
    }
    return out;
  }
  return [];
}

/**
 * Human-readable reasons why `next` cannot follow `previous` under `level` (empty when compatible,
 * as far as the latest version is concerned).
 */
export function explainIncompatibility(previous: AvroSchema, next: AvroSchema, level: Compatibility): string[] {
  const pIndex = indexNames(previous);
  const nIndex = indexNames(next);
  const reasons: string[] = [];
  if (level.startsWith('BACKWARD') || level.startsWith('FULL')) {
    for (const p of readProblems(next, previous, nIndex, pIndex, '', new Set())) {
      reasons.push(
        p.problem === 'missing-no-default'
          ? `field "${p.path}" was added without a default, so data written with the previous version cannot be read`
          : `field "${p.path}": ${p.detail}`,
      );
    }
  }
  if (level.startsWith('FORWARD') || level.startsWith('FULL')) {
    for (const p of readProblems(previous, next, pIndex, nIndex, '', new Set())) {
      const reason =
        p.problem === 'missing-no-default'
          ? `field "${p.path}" was removed, but readers of the previous version need it (it has no default there)`
          : `field "${p.path}": ${p.detail} (previous readers cannot read new data)`;
      if (!reasons.some((r) => r.startsWith(`field "${p.path}":`))) reasons.push(reason);
    }
  }
  return reasons;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOPIC_RECORD, type TopicName } from './topics';

/** JSON form of an Avro schema (as in an .avsc file). */
export type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

/** Schemas ship beside src/ and dist/, so one relative path serves both the sources and the build. */
export const SCHEMA_DIR = join(__dirname, '..', 'schemas');

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED_KINDS = new Set(['record', 'error', 'enum', 'fixed']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || namespace === undefined || namespace === '' ? name : `${namespace}.${name}`;
}

function namespaceOf(fullname: string): string | undefined {
  const dot = fullname.lastIndexOf('.');
  return dot < 0 ? undefined : fullname.slice(0, dot);
}

/** Reads every .avsc file of a directory, keyed by file name without extension. */
export function readSchemaFiles(dir: string = SCHEMA_DIR): Map<string, Record<string, unknown>> {
  const files = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.avsc')) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Error(`schema file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (!isObject(parsed) || parsed['type'] !== 'record') {
      throw new Error(`schema file ${file} must hold one Avro record schema`);
    }
    files.set(file.slice(0, -'.avsc'.length), parsed);
  }
  return files;
}

/** Every named type (record, enum, fixed) defined anywhere in the given schemas, by full name. */
export function indexNamedTypes(schemas: Iterable<AvroSchema>): Map<string, Record<string, unknown>> {
  const index = new Map<string, Record<string, unknown>>();
  const visit = (node: AvroSchema, namespace: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const branch of node) visit(branch, namespace);
      return;
    }
    if (!isObject(node)) return;
    const type = node['type'];
    if (typeof type === 'string' && NAMED_KINDS.has(type)) {
      const ns = typeof node['namespace'] === 'string' ? node['namespace'] : namespace;
      const name = fullName(String(node['name']), ns);
      if (index.has(name)) throw new Error(`Avro type ${name} is defined twice`);
      index.set(name, node);
      if (Array.isArray(node['fields'])) {
        for (const field of node['fields'] as Record<string, unknown>[])
          visit(field['type'] as AvroSchema, namespaceOf(name));
      }
      return;
    }
    if (type === 'array') visit(node['items'] as AvroSchema, namespace);
    else if (type === 'map') visit(node['values'] as AvroSchema, namespace);
    else if (type !== undefined) visit(type as AvroSchema, namespace);
  };
  for (const schema of schemas) visit(schema, undefined);
  return index;
}

/**
 * Makes a schema self-contained: a reference to a named type defined in another file is replaced by
 * that type's definition the first time it appears, and a definition that already appeared earlier
 * becomes a reference. The registry then holds one standalone schema per subject, readable by any
 * Confluent-compatible client without schema references.
 */
export function expandSchema(
  root: Record<string, unknown>,
  index: Map<string, Record<string, unknown>>,
): Record<string, unknown> {
  const defined = new Set<string>();

  const expand = (node: AvroSchema, namespace: string | undefined): AvroSchema => {
    if (typeof node === 'string') {
      if (PRIMITIVES.has(node)) return node;
      const name = fullName(node, namespace);
      if (defined.has(name)) return name;
      const definition = index.get(name);
      if (definition === undefined) throw new Error(`Avro type ${name} is referenced but defined nowhere`);
      return expand({ ...definition, name, namespace: undefined }, namespace);
    }
    if (Array.isArray(node)) return node.map((branch) => expand(branch, namespace));
    if (!isObject(node)) return node;
    const type = node['type'];
    if (typeof type === 'string' && NAMED_KINDS.has(type)) {
      const ns = typeof node['namespace'] === 'string' ? node['namespace'] : namespace;
      const name = fullName(String(node['name']), ns);
      if (defined.has(name)) return name;
      defined.add(name);
      const out: Record<string, unknown> = { ...node, name };
      delete out['namespace'];
      if (Array.isArray(node['fields'])) {
        out['fields'] = (node['fields'] as Record<string, unknown>[]).map((field) => ({
          ...field,
          type: expand(field['type'] as AvroSchema, namespaceOf(name)),
        }));
      }
      return out;
    }
    if (type === 'array') return { ...node, items: expand(node['items'] as AvroSchema, namespace) };
    if (type === 'map') return { ...node, values: expand(node['values'] as AvroSchema, namespace) };
    if (type !== undefined && !(typeof type === 'string' && PRIMITIVES.has(type))) {
      return { ...node, type: expand(type as AvroSchema, namespace) };
    }
    return node;
  };

  return expand(root, undefined) as Record<string, unknown>;
}

let cache: Map<TopicName, Record<string, unknown>> | undefined;

/** The self-contained value schema of every topic, loaded once from the .avsc files. */
export function contractSchemas(): ReadonlyMap<TopicName, Record<string, unknown>> {
  if (cache !== undefined) return cache;
  const files = readSchemaFiles();
  const index = indexNamedTypes(files.values());
  const out = new Map<TopicName, Record<string, unknown>>();
  for (const [topic, recordName] of Object.entries(TOPIC_RECORD) as [TopicName, string][]) {
    const file = files.get(recordName);
    if (file === undefined) throw new Error(`no schema file ${recordName}.avsc for topic ${topic}`);
    out.set(topic, expandSchema(file, index));
  }
  cache = out;
  return out;
}

export function contractSchema(topic: TopicName): Record<string, unknown> {
  const schema = contractSchemas().get(topic);
  if (schema === undefined) throw new Error(`no contract for topic ${topic}`);
  return schema;
}

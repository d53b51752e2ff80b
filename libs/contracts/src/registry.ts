import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { COMPATIBILITY } from '@kafkajs/confluent-schema-registry/dist/constants';
import { explainIncompatibility, type Compatibility } from './compat';
import { SchemaCompatibilityError } from './errors';
import { contractSchema, type AvroSchema } from './schemas';
import { ALL_TOPICS, valueSubject, type TopicName } from './topics';

export interface RegistryConfig {
  /** Base URL of the Confluent-compatible API, e.g. http://127.0.0.1:8081/apis/ccompat/v7 */
  url: string;
  /** Compatibility level enforced on every subject marketpipe registers. */
  compatibility: Compatibility;
  username?: string | undefined;
  password?: string | undefined;
}

export function createRegistryClient(config: RegistryConfig): SchemaRegistry {
  const auth =
    config.username !== undefined && config.password !== undefined
      ? { username: config.username, password: config.password }
      : undefined;
  return new SchemaRegistry({ host: config.url, ...(auth ? { auth } : {}) });
}

function authHeader(config: RegistryConfig): Record<string, string> {
  if (config.username === undefined || config.password === undefined) return {};
  return { authorization: `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}` };
}

async function registryRequest(
  config: RegistryConfig,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${config.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...authHeader(config) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
}

const RULE_RACE_ATTEMPTS = 5;

/**
 * Sets the subject's compatibility level explicitly. Registries differ on a subject without its
 * own level (Confluent answers 404 and applies the global level, Apicurio 3 answers 200 NONE), and
 * the client library refuses to register when the level it reads is not the one it was given, so
 * the level is written first, in this one place.
 */
async function setSubjectCompatibility(config: RegistryConfig, subject: string): Promise<void> {
  // Services start together on a fresh registry: Apicurio answers 409 "A rule named 'COMPATIBILITY'
  // already exists" to the PUTs that lose the race to create the rule; a second PUT updates it.
  for (let attempt = 1; ; attempt++) {
    const res = await registryRequest(config, 'PUT', `/config/${encodeURIComponent(subject)}`, {
      compatibility: config.compatibility,
    });
    if (res.ok) return;
    const body = await res.text();
    if (res.status !== 409 || attempt >= RULE_RACE_ATTEMPTS) {
      throw new Error(
        `schema registry refused compatibility ${config.compatibility} for subject ${subject}: HTTP ${res.status} ${body}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}

async function latestSchema(config: RegistryConfig, subject: string): Promise<AvroSchema | undefined> {
  const res = await registryRequest(config, 'GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
  if (!res.ok) return undefined;
  const body = (await res.json()) as { schema?: string };
  return typeof body.schema === 'string' ? (JSON.parse(body.schema) as AvroSchema) : undefined;
}

function errorStatus(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number') return err.status;
  return undefined;
}

/**
 * Registers `schema` under `subject` with the configured compatibility and returns its id.
 * Registering a schema the subject already holds returns the existing id. An incompatible schema
 * throws SchemaCompatibilityError naming the subject and the offending fields.
 */
export async function registerSchema(
  client: SchemaRegistry,
  config: RegistryConfig,
  subject: string,
  schema: AvroSchema,
): Promise<number> {
  await setSubjectCompatibility(config, subject);
  try {
    const { id } = await client.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject, compatibility: config.compatibility as COMPATIBILITY, updateConfig: false },
    );
    return id;
  } catch (err) {
    if (errorStatus(err) !== 409) throw err;
    const previous = await latestSchema(config, subject);
    const reasons = previous === undefined ? [] : explainIncompatibility(previous, schema, config.compatibility);
    throw new SchemaCompatibilityError(subject, config.compatibility, reasons, (err as Error).message);
  }
}

/** Registers the value schema of each topic under `<topic>-value`; returns the schema id per topic. */
export async function registerContracts(
  client: SchemaRegistry,
  config: RegistryConfig,
  topics: readonly TopicName[] = ALL_TOPICS,
): Promise<Map<TopicName, number>> {
  const ids = new Map<TopicName, number>();
  for (const topic of topics) {
    ids.set(topic, await registerSchema(client, config, valueSubject(topic), contractSchema(topic)));
  }
  return ids;
}

/** A subject as the registry holds it, beside the schema this build would register. */
export interface SubjectStatus {
  topic: TopicName;
  subject: string;
  /** The latest registered version, or null when the subject does not exist. */
  latest: { id: number; version: number } | null;
  /** This build's schema is already registered under the subject (some version). */
  registered: boolean;
  /** Whether the registry would accept this build's schema (a new subject always would). */
  compatible: boolean;
  /** Why not, field by field, when it would not. */
  reasons: string[];
  /** The level the subject enforces, or null when it has none of its own. */
  compatibility: string | null;
}

async function jsonOrNull<T>(res: Response): Promise<T | null> {
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`schema registry answered HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Asks the registry, without registering anything, whether `schema` is registered under `subject`
 * and whether it would be accepted: what an operator checks before rolling out a new build.
 */
export async function checkSubject(
  config: RegistryConfig,
  topic: TopicName,
  subject: string,
  schema: AvroSchema,
): Promise<SubjectStatus> {
  const path = encodeURIComponent(subject);
  const body = { schema: JSON.stringify(schema), schemaType: 'AVRO' };
  const latest = await jsonOrNull<{ id: number; version: number; schema: string }>(
    await registryRequest(config, 'GET', `/subjects/${path}/versions/latest`),
  );
  const level = await jsonOrNull<{ compatibilityLevel?: string; compatibility?: string }>(
    await registryRequest(config, 'GET', `/config/${path}`),
  );
  const compatibility = level?.compatibilityLevel ?? level?.compatibility ?? null;
  let registered = false;
  let compatible = true;
  let reasons: string[] = [];
  if (latest !== null) {
    registered = (await jsonOrNull(await registryRequest(config, 'POST', `/subjects/${path}`, body))) !== null;
    if (!registered) {
      const verdict = await jsonOrNull<{ is_compatible: boolean }>(
        await registryRequest(config, 'POST', `/compatibility/subjects/${path}/versions/latest`, body),
      );
      compatible = verdict?.is_compatible ?? true;
      if (!compatible) {
        const enforced = (compatibility ?? config.compatibility) as Compatibility;
        reasons = explainIncompatibility(JSON.parse(latest.schema) as AvroSchema, schema, enforced);
      }
    }
  }
  return {
    topic,
    subject,
    latest: latest === null ? null : { id: latest.id, version: latest.version },
    registered,
    compatible,
    reasons,
    compatibility,
  };
}

/** checkSubject for the value schema of each topic. */
export async function checkContracts(
  config: RegistryConfig,
  topics: readonly TopicName[] = ALL_TOPICS,
): Promise<SubjectStatus[]> {
  const out: SubjectStatus[] = [];
  for (const topic of topics) out.push(await checkSubject(config, topic, valueSubject(topic), contractSchema(topic)));
  return out;
}

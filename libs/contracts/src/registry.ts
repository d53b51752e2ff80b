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

/**
 * Sets the subject's compatibility level explicitly. Registries differ on a subject without its
 * own level (Confluent answers 404 and applies the global level, Apicurio 3 answers 200 NONE), and
 * the client library refuses to register when the level it reads is not the one it was given, so
 * the level is written first, in this one place.
 */
async function setSubjectCompatibility(config: RegistryConfig, subject: string): Promise<void> {
  const res = await registryRequest(config, 'PUT', `/config/${encodeURIComponent(subject)}`, {
    compatibility: config.compatibility,
  });
  if (!res.ok) {
    throw new Error(
      `schema registry refused compatibility ${config.compatibility} for subject ${subject}: HTTP ${res.status} ${await res.text()}`,
    );
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

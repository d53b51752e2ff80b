import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { contractViolation } from './contract';
import { ContractError, DecodeError } from './errors';
import type { AvroSchema } from './schemas';
import type { TopicValues } from './generated/types';
import type { TopicName } from './topics';

/** Confluent wire format: magic byte 0, big-endian int32 schema id, then the Avro binary body. */
export const WIRE_MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

/** The schema id a Confluent-framed value was written with, or undefined when it is not framed. */
export function wireSchemaId(bytes: Buffer): number | undefined {
  if (bytes.length < WIRE_HEADER_BYTES || bytes[0] !== WIRE_MAGIC_BYTE) return undefined;
  return bytes.readInt32BE(1);
}

/**
 * Encodes and decodes topic values in the Confluent wire format with the schema ids registered at
 * start-up. Both directions enforce the contract, so neither a bug here nor a foreign producer can
 * put a NaN price in front of a consumer.
 */
export class ContractSerde {
  constructor(
    private readonly client: SchemaRegistry,
    private readonly ids: ReadonlyMap<TopicName, number>,
  ) {}

  schemaId(topic: TopicName): number {
    const id = this.ids.get(topic);
    if (id === undefined) throw new Error(`no schema registered for ${topic}; register contracts at start-up`);
    return id;
  }

  async encode<T extends TopicName>(topic: T, value: TopicValues[T]): Promise<Buffer> {
    const problem = contractViolation(topic, value);
    if (problem !== undefined) throw new ContractError(topic, problem);
    return this.client.encode(this.schemaId(topic), value);
  }

  /**
   * Decodes with the writer's schema (resolved by the id in the frame) or, given `readerSchema`,
   * resolves into that older or newer shape. Throws DecodeError or ContractError, never returns
   * a value that breaks the contract of `topic`.
   */
  async decode<T extends TopicName>(topic: T, bytes: Buffer, readerSchema?: AvroSchema): Promise<TopicValues[T]> {
    if (wireSchemaId(bytes) === undefined) {
      throw new DecodeError(
        topic,
        `not in the Confluent wire format (first byte ${bytes.length > 0 ? String(bytes[0]) : 'none'}, length ${bytes.length})`,
      );
    }
    let value: unknown;
    try {
      value =
        readerSchema === undefined
          ? await this.client.decode(bytes)
          : await this.client.decode(bytes, { [SchemaType.AVRO]: { readerSchema: readerSchema as never } });
    } catch (err) {
      throw new DecodeError(topic, `schema id ${String(wireSchemaId(bytes))}: ${(err as Error).message}`);
    }
    if (readerSchema === undefined) {
      const problem = contractViolation(topic, value);
      if (problem !== undefined) throw new ContractError(topic, problem);
    }
    return value as TopicValues[T];
  }
}

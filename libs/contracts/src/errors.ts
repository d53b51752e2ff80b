/** A record that does not satisfy its topic's contract. Never retried: the same record fails again. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly topic: string,
    readonly reason: string,
  ) {
    super(`invalid record for ${topic}: ${reason}`);
  }
}

/** The registry refused a schema: the message names the subject and the offending fields. */
export class SchemaCompatibilityError extends Error {
  override readonly name = 'SchemaCompatibilityError';
  constructor(
    readonly subject: string,
    readonly level: string,
    readonly reasons: readonly string[],
    readonly registryMessage: string,
  ) {
    super(
      `schema for subject ${subject} is not ${level}-compatible with the registered versions: ` +
        (reasons.length > 0 ? reasons.join('; ') : 'the registry gave no field') +
        ` (registry said: ${registryMessage})`,
    );
  }
}

/** Bytes on a topic that cannot be turned into a record (wrong magic byte, unknown schema id, bad Avro). */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly topic: string,
    reason: string,
  ) {
    super(`undecodable record on ${topic}: ${reason}`);
  }
}

export * from './topics';
export * from './generated/types';
export {
  contractSchema,
  contractSchemas,
  expandSchema,
  indexNamedTypes,
  readSchemaFiles,
  SCHEMA_DIR,
  type AvroSchema,
} from './schemas';
export { compileCheck, type Check } from './validate';
export { assertContract, contractViolation } from './contract';
export { COMPATIBILITY_LEVELS, explainIncompatibility, type Compatibility } from './compat';
export { ContractError, DecodeError, SchemaCompatibilityError } from './errors';
export {
  checkContracts,
  checkSubject,
  createRegistryClient,
  registerContracts,
  registerSchema,
  type RegistryConfig,
  type SubjectStatus,
} from './registry';
export { ContractSerde, WIRE_HEADER_BYTES, WIRE_MAGIC_BYTE, wireSchemaId } from './serde';
export { isKlineInterval, KLINE_INTERVAL_MS, type KlineInterval } from './kline-intervals';

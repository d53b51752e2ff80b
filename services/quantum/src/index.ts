export { QUANTUM_CONFIG, type QuantumConfig } from './config';
export * from './model/quantum';
export { QuantumService, QUANTUM_SOURCE, type QuantumDeps } from './service';

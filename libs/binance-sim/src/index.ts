export { startSimulator, type Simulator, type SimulatorOptions } from './simulator';
export { type FaultKind, type FaultRule, type ActiveFault } from './http/faults';
export { DEFAULT_LIMITS, type LimitConfig } from './http/limits';
export { type SimStats, type PathStats } from './http/stats';
export { type Product } from './http/route';
export { type UniverseKind } from './model/universe';
export { DEFAULT_WS_LIMITS, type WsOptions, type WsProductLimits } from './ws/config';
export { type WsFault, type WsFaultKind } from './ws/faults';
export { type WsStats, type WsCloseReason } from './ws/stats';

export * from './config';
export { createLogger, LOG_LEVELS, type Logger } from './logger';
export { OpsServer } from './ops-server';
export { Lifecycle } from './lifecycle';
export { every, type Loop } from './every';
export { runService, SERVICE_CONFIG, type ServiceContext, type ServiceDefinition } from './service';

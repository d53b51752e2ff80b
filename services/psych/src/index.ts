export { PSYCH_CONFIG, psychParams, type PsychConfig } from './config';
export * from './model';
export { PsychService, type PsychDeps } from './service';

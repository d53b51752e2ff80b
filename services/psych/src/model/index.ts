export * from './components';
export * from './indicators';
export * from './psych';
export * from './state';
export * from './window';

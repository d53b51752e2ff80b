export * from './capture';
export * from './checked';
export * from './clock';
export * from './config';
export * from './rest';
export * from './poll';
export * from './stream';

export * from './errors';
export * from './workspace';
export * from './service-process';
export * from './fleet';
export * from './interrupt';
export * from './raw-request';
export * from './port-overrides';
export * from './metrics-text';

export * from './errors';
export * from './parent-watchdog';
export * from './process-tree';

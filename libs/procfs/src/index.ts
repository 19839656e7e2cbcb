export * from './parent-watchdog';
export * from './process-tree';

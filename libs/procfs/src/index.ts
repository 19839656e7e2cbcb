export * from './errors';
export * from './parent-watchdog';
export { isRunningState, readStat, type ProcStat } from './proc-stat';
export * from './process-tree';

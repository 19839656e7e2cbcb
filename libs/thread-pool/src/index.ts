import { join } from 'node:path';

export * from './thread-pool-runner';
export * from './pool-task';
export * from './cancel-grace';
export * from './pool-protocol';
export * from './pool-metrics';
export * from './shared-counter';
export * from './pool-counter';

/**
 * The pool thread's entry, `dist/pool-worker.js`: the file a `ThreadPoolRunner` loads in each
 * thread. What runs in another thread runs from `dist`, also when this module is read from
 * `src` (jest), hence the path through the package folder.
 */
export const POOL_WORKER_ENTRY = join(__dirname, '..', 'dist', 'pool-worker.js');

import { integer } from './knobs';

/**
 * The size of each pool, of threads and of processes, in a demo whose lesson is that a pool
 * beats doing the work one task at a time (pool-map's serial loop, hybrid's event loop). From 2:
 * a pool of one also runs one task at a time, so it could never win. The default, 2, is the
 * cores those demos ask for (`needingCores(2, …)`).
 */
export const workersPerPool = integer('Workers per pool.', { default: 2, min: 2, max: 8 });

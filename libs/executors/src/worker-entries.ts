import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The worker-side entry files. They run in another thread or process, which loads JavaScript:
 * the built files. From `dist/` they sit beside this module; when this module itself runs from
 * `src/` (jest reads the sources through SWC) the built ones are in `../dist`.
 */
const base = existsSync(join(__dirname, 'worker', 'thread-entry.js'))
  ? __dirname
  : join(__dirname, '..', 'dist');

export const THREAD_ENTRY = join(base, 'worker', 'thread-entry.js');
export const PROCESS_ENTRY = join(base, 'worker', 'process-entry.js');

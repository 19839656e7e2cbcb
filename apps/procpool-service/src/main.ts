/**
 * procpool-service: Python's `ProcessPoolExecutor` as a model — one HTTP process; every CPU task
 * is copied to one of WORKERS child processes and its result copied back; the shared counter is
 * held by the HTTP process as a manager the pool's processes reach over a socket (runtime.ts).
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runService } from '@concurrency-lab/service-kit';
import { procpoolRuntime } from './runtime';

void runService({ model: 'procpool', tracing, createRuntime: procpoolRuntime });

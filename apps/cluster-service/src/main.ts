/**
 * cluster-service: a `node:cluster` primary and WORKERS processes sharing the port, each running
 * the contract's app with CPU work inline. This file is the primary; `worker.ts` is the worker.
 * Both are `@concurrency-lab/cluster-runtime`, which hybrid shares.
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runClusterPrimary } from '@concurrency-lab/cluster-runtime';
import { join } from 'node:path';

runClusterPrimary({ model: 'cluster', tracing, workerEntry: join(__dirname, 'worker.js') });

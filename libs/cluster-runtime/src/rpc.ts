/**
 * The light half of this lib, `@concurrency-lab/cluster-runtime/rpc`: RPC over a message port
 * and the counter share loop, without the primary or the service kit — for a process that only
 * talks to a counter manager (procpool's pool processes load it, and every megabyte a pool
 * process loads is paid once per process).
 */
export * from './counter-protocol';
export { runCounterShare } from './ipc-counter';
export * from './rpc-endpoint';

/**
 * Preloaded into every process of a model the lab starts (`NODE_OPTIONS`, see
 * full-collection.ts): on SIGUSR2, a full collection of the process's main heap — the one its
 * /metrics report — so the lab reads the live heap when it asks, not when V8's memory reducer
 * gets round to it. Only with `--expose-gc` (else nothing is caught, and the lab sends nothing:
 * it signals only a process that catches the signal). Signals reach the main thread only.
 */
import { isMainThread } from 'node:worker_threads';

const gc = (globalThis as { gc?: () => void }).gc;
if (isMainThread && gc) process.on('SIGUSR2', () => gc());

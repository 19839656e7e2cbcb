export * from './errors';
export * from './params';
export * from './config';
export * from './env';
export {
  loadCustomWorkload,
  runCpuTask,
  type CpuTask,
  type CpuTaskResult,
  type CpuTaskResults,
  type CustomWorkload,
  type GeneratedFilterResult,
} from '@concurrency-lab/workloads';
export * from './work-runner';
export * from './inline-runner';
export * from './counter-store';
export * from './in-loop-counter';
export * from './request-deadline';
export * from './map-bounded';
export * from './fresh-runs';
export * from './scrape';
export * from './logger';
export * from './service-metrics';
export * from './service-context';
export * from './create-app';
export * from './service';
export * from './event-loop-gate';
export * from './event-loop-monitor';
export { FIB_PARAMS, PRIMES_PARAMS } from './routes/cpu-routes';
export { FILTER_GENERATED_PARAMS, FILTER_UPLOAD_PARAMS } from './routes/image-routes';
export { SLEEP_PARAMS, SCRAPE_PARAMS, MIXED_PARAMS } from './routes/io-routes';
export { INCREMENT_PARAMS } from './routes/counter-routes';
export * from './lock-metrics';
export {
  exitOnFatalErrors,
  FATAL_EXIT_CODE,
  flushSpans,
  SPAN_FLUSH_TIMEOUT_MS,
  type FatalErrorOptions,
} from './fatal-errors';

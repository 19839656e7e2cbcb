/**
 * @concurrency-lab/workloads: the units of work every concurrency model runs, so the models
 * differ only in how they schedule them. CPU (fib), memory + CPU (countPrimes), image
 * processing (PNG decode, filter, encode), parsing (extractTitle) and waiting (sleep).
 */
export { applyFilter, FILTER_NAMES, type FilterName } from './apply-filter';
export { assertImageWithin } from './assert-image-within';
export { countPrimes, MAX_PRIMES_LIMIT } from './count-primes';
export { decodePng } from './decode-png';
export { encodePng } from './encode-png';
export {
  checkCrossable,
  checkCustomResult,
  customResultJson,
  configuredWorkload,
  customResultReplacer,
  loadCustomWorkload,
  MAX_WORKLOAD_INPUTS,
  runCustomWorkload,
  WORKLOAD_ENV,
  type CustomWorkload,
} from './custom-workload';
export {
  CustomWorkloadError,
  ImageTooLargeError,
  InvalidArgumentError,
  InvalidImageError,
  WORKLOAD_ERRORS,
  WorkloadError,
  WorkloadModuleError,
  type WorkloadErrorClass,
  type WorkloadModuleProblem,
} from './errors';
export { extractTitle, MAX_TITLE_NESTING } from './extract-title';
export { fib } from './fib';
export { generateTestImage } from './generate-test-image';
export { imageChecksum } from './image-checksum';
export { readPngSize } from './read-png-size';
export { assertRgbaImage, type RgbaImage } from './rgba-image';
export { sleep } from './sleep';
export {
  runCpuTask,
  type CpuTask,
  type CpuTaskResult,
  type CpuTaskResults,
  type GeneratedFilterResult,
} from './cpu-task';
export {
  crashIfSwitched,
  poolCrashFibN,
  POOL_CRASH_EXIT_CODE,
  POOL_CRASH_SWITCH,
} from './pool-crash-switch';

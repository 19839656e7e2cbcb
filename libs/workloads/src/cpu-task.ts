import { applyFilter, type FilterName } from './apply-filter';
import { countPrimes } from './count-primes';
import { runCustomWorkload } from './custom-workload';
import { decodePng } from './decode-png';
import { encodePng } from './encode-png';
import { fib } from './fib';
import { generateTestImage } from './generate-test-image';
import { imageChecksum } from './image-checksum';

/**
 * The CPU work of the contract as plain data, so it can cross a thread or process boundary
 * (structured clone; `png` bytes can ride a transfer list). The HTTP layer builds tasks; a
 * service's `WorkRunner` decides where `runCpuTask` executes (inline, a pool thread, a process).
 * It lives here, beside the work, so a pool thread loads nothing but the workloads.
 */
export type CpuTask =
  | { kind: 'fib'; n: number }
  | { kind: 'primes'; limit: number }
  | { kind: 'filter'; filter: FilterName; png: Uint8Array }
  | { kind: 'filter-generated'; filter: FilterName; size: number }
  /** The operator's workload (`LAB_WORKLOAD`) on one of its inputs. */
  | { kind: 'custom'; input: unknown };

export interface GeneratedFilterResult {
  width: number;
  height: number;
  checksum: string;
}

export interface CpuTaskResults {
  fib: number;
  primes: number;
  filter: Uint8Array;
  'filter-generated': GeneratedFilterResult;
  /** What the workload's `run` answered; a promise until awaited (its `run` may be async). */
  custom: unknown;
}

export type CpuTaskResult<T extends CpuTask> = CpuTaskResults[T['kind']];

/**
 * Runs a task where it is called. Pure: the same task gives the same result on any thread. A
 * `custom` task answers a promise (the workload is imported on first use, and its `run` may be
 * async): callers await the result.
 */
export function runCpuTask<T extends CpuTask>(task: T): CpuTaskResult<T> {
  const t = task as CpuTask;
  switch (t.kind) {
    case 'fib':
      return fib(t.n) as CpuTaskResult<T>;
    case 'primes':
      return countPrimes(t.limit) as CpuTaskResult<T>;
    case 'filter': {
      const out = encodePng(applyFilter(decodePng(t.png), t.filter));
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength) as CpuTaskResult<T>;
    }
    case 'filter-generated': {
      const out = applyFilter(generateTestImage(t.size), t.filter);
      return {
        width: out.width,
        height: out.height,
        checksum: imageChecksum(out),
      } as CpuTaskResult<T>;
    }
    case 'custom':
      return runCustomWorkload(t.input) as CpuTaskResult<T>;
  }
}

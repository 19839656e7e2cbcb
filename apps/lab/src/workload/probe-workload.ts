import { NotBuiltError } from '@concurrency-lab/launcher';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  WorkloadInputsError,
  WorkloadLoadError,
  WorkloadNoRunError,
  WorkloadNotClonableError,
  WorkloadNotFoundError,
  WorkloadThrewError,
  WorkloadTimeoutError,
} from '../errors';

/** What the probe learnt about a workload module that passed every check. */
export interface WorkloadProbe {
  /** Absolute path of the module (what the services get as `LAB_WORKLOAD`). */
  path: string;
  /** The module's `describe` line, or its file name. */
  describe: string;
  /** How many inputs `inputs()` gave (1 when the module exports none: `run(undefined)`). */
  inputs: number;
  /** How long the probe call of `run(inputs()[0])` took, in ms (cold: no JIT yet). */
  probeMs: number;
}

export interface ProbeOptions {
  /** How long `run` may take on the probe call (and the import before it). @default 10000 */
  timeoutMs?: number;
}

/** What `probeWorkload` hands its thread. */
export interface ProbeData {
  /** Absolute path of the module. */
  path: string;
}

/**
 * What the probe thread answers: a verdict, never a thrown value (structured clone drops codes).
 */
export type ProbeAnswer =
  | { ok: true; describe: string; inputs: number; probeMs: number }
  | { ok: false; code: ProblemCode; detail: string };

/** The problems the thread tells apart, each answered with an error of its own below. */
export type ProblemCode = 'load' | 'no-run' | 'inputs' | 'threw' | 'not-clonable';

/**
 * The thread's built script. The probe runs in a thread of its own so that a `run` that never
 * returns — a sync endless loop included — can be stopped: the thread is terminated at the
 * time limit. Another thread loads plain JavaScript, so it comes from `dist/` also when the lab
 * runs from its TypeScript sources (in jest).
 */
function probeThread(): string {
  const file = join(__dirname, '..', '..', 'dist', 'workload', 'probe-thread.js');
  if (!existsSync(file)) {
    throw new NotBuiltError(`${file} does not exist: run \`npx nx build lab\` first`);
  }
  return file;
}

const ERRORS: Record<ProblemCode, new (message: string) => Error> = {
  load: WorkloadLoadError,
  'no-run': WorkloadNoRunError,
  inputs: WorkloadInputsError,
  threw: WorkloadThrewError,
  'not-clonable': WorkloadNotClonableError,
};

/**
 * Checks a `--workload` module before anything starts: it exists, loads, exports `run`
 * (and, if it exports them, usable `inputs`), and one call of `run` on the first input returns
 * within `timeoutMs` a value the services can answer with (`checkCustomResult`: it crosses to a
 * thread or process, and is JSON). Runs the module in a thread of its own,
 * terminated afterwards whatever happened.
 *
 * @throws WorkloadNotFoundError, WorkloadLoadError, WorkloadNoRunError, WorkloadInputsError,
 *   WorkloadThrewError, WorkloadNotClonableError, WorkloadTimeoutError — each naming the problem
 */
export async function probeWorkload(
  file: string,
  { timeoutMs = 10_000 }: ProbeOptions = {},
): Promise<WorkloadProbe> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new WorkloadNotFoundError(
      `Expected \`--workload\` to name a module file, got \`${file}\``,
    );
  }
  const worker = new Worker(probeThread(), {
    workerData: { path } satisfies ProbeData,
    // The module's own console output is not the lab's: keep it off the terminal.
    stdout: true,
    stderr: true,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await new Promise<ProbeAnswer>((resolveAnswer, reject) => {
      const expire = (what: string) =>
        reject(
          new WorkloadTimeoutError(`${what} in ${path} did not finish within ${timeoutMs} ms`),
        );
      timer = setTimeout(() => expire('Loading the module'), timeoutMs);
      let running = false;
      worker.on('message', (message: ProbeAnswer | { started: true }) => {
        if ('started' in message) {
          running = true;
          clearTimeout(timer);
          timer = setTimeout(() => expire('`run(inputs()[0])`'), timeoutMs);
          return;
        }
        resolveAnswer(message);
      });
      worker.once('error', (error: Error) =>
        reject(new WorkloadLoadError(`The workload thread failed: ${error.message}`)),
      );
      worker.once('exit', (code) =>
        reject(
          running
            ? // The thread ran out of work while `run`'s promise was pending: it can never settle.
              new WorkloadTimeoutError(
                `\`run(inputs()[0])\` in ${path} answered a promise that never settles (nothing was left to run)`,
              )
            : new WorkloadLoadError(`The workload thread exited (code ${code}) before answering`),
        ),
      );
    });
    if (!answer.ok) throw new ERRORS[answer.code](answer.detail);
    return {
      path,
      describe: answer.describe,
      inputs: answer.inputs,
      probeMs: Math.round(answer.probeMs * 1000) / 1000,
    };
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

import { MAX_WORKLOAD_INPUTS } from '@concurrency-lab/workloads';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** What the probe thread answers: a verdict, never a thrown value (structured clone drops codes). */
type ProbeAnswer =
  | { ok: true; describe: string | undefined; inputs: number; probeMs: number }
  | { ok: false; code: ProblemCode; detail: string };

type ProblemCode = 'load' | 'no-run' | 'inputs' | 'threw' | 'not-clonable';

/**
 * The probe runs in its own thread so that a `run` that never returns — a sync endless loop
 * included — can be stopped: the thread is terminated at the time limit. It is plain JavaScript
 * evaluated as the thread's script, so it needs no build output and imports nothing of ours;
 * `import()` takes ES modules and CommonJS alike.
 */
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const describeError = (e) =>
  e && typeof e === 'object' && 'message' in e ? (e.name || 'Error') + ': ' + e.message : String(e);
const kindOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const fail = (code, detail) => parentPort.postMessage({ ok: false, code, detail });
(async () => {
  let mod;
  try {
    mod = await import(workerData.url);
  } catch (e) {
    return fail('load', describeError(e));
  }
  // A CommonJS module's exports arrive as the default export (and as named ones when detectable).
  const pick = (name) => (mod[name] !== undefined ? mod[name] : mod.default && mod.default[name]);
  const run = pick('run');
  if (typeof run !== 'function')
    return fail('no-run', 'Expected the module to export a function "run(input)", got "' + kindOf(run) +
      '" (exports: ' + (Object.keys(mod).join(', ') || 'none') + ')');
  const inputsFn = pick('inputs');
  let inputs = [undefined];
  if (inputsFn !== undefined) {
    if (typeof inputsFn !== 'function')
      return fail('inputs', 'Expected "inputs" to be a function answering an array, got "' + kindOf(inputsFn) + '"');
    try {
      inputs = await inputsFn();
    } catch (e) {
      return fail('inputs', '"inputs()" threw: ' + describeError(e));
    }
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > workerData.maxInputs)
      return fail('inputs', 'Expected "inputs()" to answer an array of 1 to ' + workerData.maxInputs +
        ' inputs, got "' + kindOf(inputs) + '"' + (Array.isArray(inputs) ? ' of length ' + inputs.length : ''));
    try {
      structuredClone(inputs);
    } catch (e) {
      return fail('inputs', 'Expected every input to be structured-clonable (inputs cross to threads and processes): ' + describeError(e));
    }
  }
  let describe = pick('describe');
  if (typeof describe === 'function') describe = describe();
  describe = typeof describe === 'string' ? describe.split(String.fromCharCode(10))[0].slice(0, 200) : undefined;
  parentPort.postMessage({ started: true });
  const startedAt = performance.now();
  let result;
  try {
    result = await run(inputs[0]);
  } catch (e) {
    return fail('threw', '"run(inputs()[0])" threw: ' + describeError(e));
  }
  const probeMs = performance.now() - startedAt;
  try {
    structuredClone(result);
  } catch (e) {
    return fail('not-clonable', 'Expected "run" to return a structured-clonable value (results cross threads and processes), got "' +
      kindOf(result) + '": ' + describeError(e));
  }
  parentPort.postMessage({ ok: true, describe, inputs: inputs.length, probeMs });
})();
`;

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
 * a structured-clonable value within `timeoutMs`. Runs the module in a thread of its own,
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
  const worker = new Worker(PROBE_SOURCE, {
    eval: true,
    // The services' own bound (loadCustomWorkload refuses more): what passes here loads there.
    workerData: { url: pathToFileURL(path).href, maxInputs: MAX_WORKLOAD_INPUTS },
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
    if (!answer.ok) throw new ERRORS[answer.code](`${path}: ${answer.detail}`);
    return {
      path,
      describe: answer.describe ?? path.split('/').pop() ?? path,
      inputs: answer.inputs,
      probeMs: Math.round(answer.probeMs * 1000) / 1000,
    };
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

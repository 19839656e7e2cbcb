/**
 * The thread `probeWorkload` runs a `--workload` module in. It loads the module with the
 * services' own loader (`loadCustomWorkload`), so the lab refuses exactly what a service would
 * refuse at its start, then calls `run` on the first input once, timed. It answers with a
 * message and never throws: structured clone would drop an error's code on the way back.
 */
import {
  checkCustomResult,
  loadCustomWorkload,
  WORKLOAD_ENV,
  WorkloadModuleError,
} from '@concurrency-lab/workloads';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { ProbeAnswer, ProbeData, ProblemCode } from './probe-workload';

const port = parentPort;
if (port === null) throw new Error('probe-thread.js runs as a worker thread of probeWorkload');
const { path } = workerData as ProbeData;

const describeError = (e: unknown): string =>
  e instanceof Error ? `${e.name}: ${e.message}` : String(e);
const answer = (message: ProbeAnswer | { started: true }) => port.postMessage(message);
const fail = (code: ProblemCode, detail: string) => answer({ ok: false, code, detail });

async function probe(): Promise<void> {
  let workload;
  try {
    workload = await loadCustomWorkload(path);
  } catch (error) {
    if (!(error instanceof WorkloadModuleError)) return fail('load', describeError(error));
    // The loader names the module as the services' variable does (`LAB_WORKLOAD=<path>: …`).
    const detail = error.message.replace(`${WORKLOAD_ENV}=`, '');
    // The loader's checks the lab answers with codes of their own; the lab has found the file
    // itself already, so anything else is a module that would not load.
    const { problem } = error;
    return fail(problem === 'no-run' || problem === 'inputs' ? problem : 'load', detail);
  }
  answer({ started: true });
  const startedAt = performance.now();
  let result: unknown;
  try {
    result = await workload.run(workload.inputs[0]);
  } catch (error) {
    return fail('threw', `${path}: \`run(inputs()[0])\` threw: ${describeError(error)}`);
  }
  const probeMs = performance.now() - startedAt;
  // The services' own check of an answer (it must cross to a thread or process, and be JSON):
  // structured clone alone passed a circular object, which then failed every request.
  try {
    checkCustomResult(result);
  } catch (error) {
    return fail(
      'not-clonable',
      `${path}: expected \`run\` to return a value that can cross threads and processes and be JSON, but ${describeError(error)}`,
    );
  }
  answer({ ok: true, describe: workload.describe, inputs: workload.inputs.length, probeMs });
}

// Nothing in probe() is left to throw; were it to, the lab hears of it as a failed load.
probe().catch((error: unknown) => fail('load', describeError(error)));

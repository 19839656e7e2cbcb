import { describeValue } from '@concurrency-lab/errors';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { CustomWorkloadError, WorkloadModuleError, type WorkloadModuleProblem } from './errors';

/** The environment variable naming the workload module, set by the service's operator. */
export const WORKLOAD_ENV = 'LAB_WORKLOAD';

/** At most this many inputs: every HTTP process holds them and cycles through them. */
export const MAX_WORKLOAD_INPUTS = 10_000;

/** A user's work, loaded from its module: `run(input)`, the inputs to cycle through, a line. */
export interface CustomWorkload {
  /** Absolute path of the module. */
  readonly path: string;
  /** The module's `describe`, or its file name. */
  readonly describe: string;
  /** `inputs()`, or one `undefined` when the module exports none. */
  readonly inputs: readonly unknown[];
  /**
   * The module's `run`: sync or async, answering a value v8.serialize takes that JSON can
   * carry (see {@link checkCustomResult}): checked where it crosses and where it becomes JSON.
   */
  run(input: unknown): unknown;
}

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** What a module threw, as words: `SyntaxError: …`, or the value itself when it is no Error. */
const reason = (thrown: unknown) =>
  thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : `\`${describeValue(thrown)}\``;

/**
 * How long a workload module may take to load (its top-level code, its `inputs()`). A module
 * that never finishes — a top-level await or an `inputs()` that never settles — left the service
 * with nothing to run: its start returned nowhere and the process exited 0, without a word.
 */
export const WORKLOAD_LOAD_TIMEOUT_MS = 10_000;

/** `step`, or `onTimeout`'s error once `timeoutMs` has passed (the timer keeps the loop alive). */
async function inTime<T>(step: Promise<T>, timeoutMs: number, onTimeout: () => never): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        onTimeout();
      } catch (error) {
        reject(error);
      }
    }, timeoutMs);
  });
  try {
    return await Promise.race([step, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether v8.serialize takes `value` (only asked once the whole array was refused). */
const crosses = (value: unknown): boolean => {
  try {
    serialize(value);
    return true;
  } catch {
    return false;
  }
};

/**
 * Imports a workload module and checks its shape: `run` a function; `inputs`, if exported, a
 * function answering 1 … 10,000 values that v8.serialize takes (structured-clonable, no
 * SharedArrayBuffer: they cross to threads and processes); `describe`, if exported, a line.
 * Works for ES modules and CommonJS alike.
 *
 * @throws WorkloadModuleError (`ERR_WORKLOAD_MODULE`) naming the problem
 */
export async function loadCustomWorkload(
  path: string,
  { timeoutMs = WORKLOAD_LOAD_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<CustomWorkload> {
  const fail = (problem: WorkloadModuleProblem, what: string, cause?: unknown): never => {
    throw new WorkloadModuleError(`${WORKLOAD_ENV}=${path}: ${what}`, { cause, problem });
  };
  if (!isAbsolute(path)) fail('path', 'expected an absolute path to a module file');
  if (!existsSync(path)) fail('not-found', 'no such file');
  const seconds = timeoutMs / 1000;
  let module: Record<string, unknown>;
  try {
    module = (await inTime(import(pathToFileURL(path).href), timeoutMs, () =>
      fail('load', `the module did not finish loading within ${seconds} s`),
    )) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof WorkloadModuleError) throw error;
    return fail('load', `the module failed to load: ${reason(error)}`, error);
  }
  // A CommonJS module's exports arrive as the default export (and as named ones when detectable).
  const pick = (name: string) =>
    module[name] ?? (module['default'] as Record<string, unknown> | undefined)?.[name];
  const run = pick('run');
  if (typeof run !== 'function')
    return fail(
      'no-run',
      `expected a function \`run(input)\` among its exports, got \`${kindOf(run)}\` (exports: ${Object.keys(module).join(', ') || 'none'})`,
    );
  const inputsOf = pick('inputs');
  let inputs: unknown = [undefined];
  if (inputsOf !== undefined) {
    if (typeof inputsOf !== 'function')
      return fail('inputs', `expected \`inputs\` to be a function, got \`${kindOf(inputsOf)}\``);
    try {
      inputs = await inTime(Promise.resolve().then(inputsOf as () => unknown), timeoutMs, () =>
        fail('inputs', `\`inputs()\` did not settle within ${seconds} s`),
      );
    } catch (error) {
      if (error instanceof WorkloadModuleError) throw error;
      return fail('inputs', `\`inputs()\` threw: ${reason(error)}`, error);
    }
    // Counted before cloned: a clone of millions of inputs took seconds only to be refused.
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > MAX_WORKLOAD_INPUTS)
      return fail(
        'inputs',
        `expected \`inputs()\` to answer an array of 1 to ${MAX_WORKLOAD_INPUTS} inputs, got \`${kindOf(inputs)}\`${Array.isArray(inputs) ? ` of length ${inputs.length}` : ''}`,
      );
    // v8.serialize, as a pool process's channel sends them: it refuses what structuredClone (a
    // thread's copy) takes, a SharedArrayBuffer, which passed this check and then failed every
    // procpool request with 500 ERR_WORKER_CRASHED.
    try {
      serialize(inputs);
    } catch (error) {
      const index = (inputs as unknown[]).findIndex((input) => !crosses(input));
      const which = index === -1 ? 'an input' : `input ${index} (\`${kindOf(inputs[index])}\`)`;
      return fail(
        'inputs',
        `expected every input to cross to threads and processes (structured-clonable, and no SharedArrayBuffer): ${which} cannot: ${reason(error)}`,
        error,
      );
    }
  }
  const described = pick('describe');
  let line = described;
  try {
    if (typeof described === 'function') line = (described as () => unknown)();
  } catch (error) {
    return fail('load', `\`describe()\` threw: ${reason(error)}`, error);
  }
  return {
    path,
    describe:
      typeof line === 'string'
        ? (line.split(/\r\n|[\r\n\u2028\u2029]/)[0] ?? '').slice(0, 200)
        : (path.split('/').pop() ?? path),
    inputs: inputs as unknown[],
    run: run as (input: unknown) => unknown,
  };
}

/** This thread's or process's workload: imported once, on the first custom task. */
let configured: Promise<CustomWorkload> | undefined;

/**
 * The workload the service's operator named in `LAB_WORKLOAD`, loaded lazily in whatever thread
 * or process runs CPU work (a pool thread, a cluster worker, a pool process inherit the
 * environment), once.
 */
export function configuredWorkload(env: NodeJS.ProcessEnv = process.env): Promise<CustomWorkload> {
  const path = env[WORKLOAD_ENV];
  if (!path) {
    return Promise.reject(
      new WorkloadModuleError(`${WORKLOAD_ENV} is not set: this service runs no workload`, {
        problem: 'unset',
      }),
    );
  }
  configured ??= loadCustomWorkload(path);
  return configured;
}

/**
 * How the services put a result into JSON (`result` of the answer): `JSON.stringify` refuses a
 * bigint, spells a typed array out byte by byte and turns a Map or a Set into `{}`.
 */
export function customResultReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return { byteLength: value.byteLength };
  }
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

/** The types of value every model can answer as they are (a symbol is not one of them). */
const PRIMITIVES: ReadonlySet<string> = new Set(['number', 'string', 'boolean', 'bigint']);

/** A refusal of what `run` answered, naming the value's kind and why. */
const refused = (value: unknown, why: string, cause?: unknown): CustomWorkloadError =>
  new CustomWorkloadError(`the workload's run answered \`${kindOf(value)}\`, ${why}`, { cause });

/**
 * Checks that what `run` answered can cross from a pool thread or process to the HTTP process,
 * where it crosses: a pool's worker calls this before handing the value back. Unchecked, a
 * function killed the pool thread on threads (500 ERR_WORKER_CRASHED, the thread replaced) and
 * was a crash on procpool too. v8.serialize is the stricter of the two copies (it refuses a
 * SharedArrayBuffer, which a thread would take) and, unlike structuredClone, builds no copy. A
 * value answered on the event loop (async, cluster) crosses nothing and is not checked.
 * @throws CustomWorkloadError (`ERR_WORKLOAD_RUN_FAILED`: 500 ERR_WORK_FAILED on every model)
 */
export function checkCrossable(value: unknown): void {
  // The common answer, a primitive, always crosses: serializing one only to learn that cost ten
  // times the service's own JSON step for a number.
  if (value === undefined || value === null || PRIMITIVES.has(typeof value)) return;
  try {
    serialize(value);
  } catch (error) {
    throw refused(value, `which cannot cross to a thread or process: ${reason(error)}`, error);
  }
}

/**
 * The answer's `result` as JSON text, by the rules of {@link customResultReplacer} — the one
 * JSON step of a service's answer to `/work/custom`, on every model. A circular object used to be
 * a 500 ERR_INTERNAL (a fault of the service's own) and a function a 200 without `result`.
 * @throws CustomWorkloadError (`ERR_WORKLOAD_RUN_FAILED`) when JSON cannot carry the value
 */
export function customResultJson(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value, customResultReplacer);
  } catch (error) {
    throw refused(value, `which JSON cannot carry: ${reason(error)}`, error);
  }
  // A function, or a class instance whose toJSON answers nothing: the answer would lack `result`.
  if (json === undefined) throw refused(value, 'which is no JSON value');
  return json;
}

/**
 * Everything the services refuse of what `run` answered ({@link checkCrossable}, then
 * {@link customResultJson}), in one call: the lab's probe runs it before anything starts.
 * Answers the value as the services answer it (`null` for `undefined`).
 * @throws CustomWorkloadError (`ERR_WORKLOAD_RUN_FAILED`) naming why the value cannot be answered
 */
export function checkCustomResult(value: unknown): unknown {
  checkCrossable(value);
  customResultJson(value ?? null);
  return value ?? null;
}

/**
 * `run(input)` of the configured workload, awaited; `null` when it answers nothing (the answer's
 * `result` is then `null`, not missing). What it answered is checked where it crosses
 * ({@link checkCrossable}) and where it becomes JSON ({@link customResultJson}).
 * @throws CustomWorkloadError (`ERR_WORKLOAD_RUN_FAILED`) when `run` throws or rejects
 */
export async function runCustomWorkload(input: unknown): Promise<unknown> {
  const workload = await configuredWorkload();
  let value: unknown;
  try {
    value = await workload.run(input);
  } catch (error) {
    // Any value: `throw null` or an object with no prototype must not turn into an uncoded
    // TypeError here (answered 500 ERR_INTERNAL instead of ERR_WORK_FAILED).
    throw new CustomWorkloadError(`the workload's run threw ${reason(error)}`, { cause: error });
  }
  return value ?? null;
}

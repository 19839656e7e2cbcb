import { beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The workspace's lint (eslint.config.mjs, what every project's `lint` target and so `npm test`
 * run) refuses a floating promise and a promise where a callback's return is ignored — and
 * accepts the same code once the promise is awaited or handled. ESLint's own Node API, with the
 * real config and type information from the project's tsconfig. Each snippet is linted as the
 * text of this very file (`lintText` with its `filePath`): a path the `tools` tsconfig includes,
 * so it is type-checked as the lint target would; nothing is written.
 *
 * ESLint loads eslint.config.mjs with a dynamic import(), which jest's module sandbox refuses
 * (it would need --experimental-vm-modules), so ESLint runs in a worker thread: plain Node.
 */
const root = join(__dirname, '..', '..');
const filePath = __filename;

const WORK = `export function work(): Promise<number> {
  return Promise.resolve(1);
}
`;

/** Lints each snippet in one worker (one ESLint, one type-checked program); rule ids per snippet. */
const LINT_IN_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { ESLint } = require(workerData.eslint);
(async () => {
  const eslint = new ESLint({ cwd: workerData.root });
  const ids = [];
  for (const code of workerData.snippets) {
    const [result] = await eslint.lintText(code, { filePath: workerData.filePath });
    ids.push(result.messages.map((message) => message.ruleId));
  }
  parentPort.postMessage(ids);
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack) }));
`;

async function lintInWorker(snippets: readonly string[]): Promise<(string | null)[][]> {
  const worker = new Worker(LINT_IN_WORKER, {
    eval: true,
    workerData: { eslint: require.resolve('eslint'), root, filePath, snippets },
  });
  const [answer] = (await once(worker, 'message')) as [(string | null)[][] | { error: string }];
  await once(worker, 'exit');
  if ('error' in answer) throw new Error(`ESLint failed in the worker: ${answer.error}`);
  // A message without a rule id is a fatal one (the file was not parsed or not type-checked).
  return answer;
}

const FLOATING = `${WORK}export function caller(): void {
  work();
}
`;

// An async listener and an async interval callback: both return a promise nobody handles.
const MISUSED = `${WORK}export function poll(): NodeJS.Timeout {
  process.on('message', async () => {
    await work();
  });
  return setInterval(async () => {
    await work();
  }, 1000);
}
`;

// The same two, with each promise awaited or given a handler.
const HANDLED = `${WORK}export async function caller(): Promise<void> {
  await work();
}
export function poll(): NodeJS.Timeout {
  const onError = (error: unknown) => process.stderr.write(String(error));
  process.on('message', () => {
    work().catch(onError);
  });
  return setInterval(() => {
    work().catch(onError);
  }, 1000);
}
`;

describe('the lint enforces the promise habits', () => {
  let floating: (string | null)[];
  let misused: (string | null)[];
  let handled: (string | null)[];

  // Loading ESLint and building the type-checked program of `tools` is CPU work that takes
  // several seconds alone and ran past jest's 30 s default once, while npm test's other suites
  // and a second build shared the two cores: the limit guards against a hang, not a slow linter.
  beforeAll(async () => {
    [floating = [], misused = [], handled = []] = await lintInWorker([FLOATING, MISUSED, HANDLED]);
  }, 120_000);

  it('reports a floating promise with no-floating-promises', () => {
    expect(floating).toEqual(['@typescript-eslint/no-floating-promises']);
  });

  it('reports async callbacks where a void return is expected with no-misused-promises', () => {
    expect(misused).toEqual([
      '@typescript-eslint/no-misused-promises',
      '@typescript-eslint/no-misused-promises',
    ]);
  });

  it('accepts the same code once each promise is awaited or handled (negative control)', () => {
    expect(handled).toEqual([]);
  });
});

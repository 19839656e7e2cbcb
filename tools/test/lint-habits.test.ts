import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The workspace's lint (eslint.config.mjs, what every project's `lint` target and so `npm test`
 * run) refuses a floating promise, a promise where a callback's return is ignored, and a comment
 * line past the 100 columns prettier wraps code at (prettier never wraps a comment) — and
 * accepts the same code once the promise is awaited or handled, or the comment fits. ESLint's
 * own Node API, with the real config and type information from the project's tsconfig. Each
 * snippet is linted as the text of this very file (`lintText` with its `filePath`): a path the
 * `tools` tsconfig includes, so it is type-checked as the lint target would; nothing is written.
 *
 * ESLint loads eslint.config.mjs with a dynamic import(), which jest's module sandbox refuses
 * (it would need --experimental-vm-modules), so ESLint runs in plain Node: a child process of its
 * own, as the lint target runs it. It used to be a worker thread, and in two of three full runs
 * that worker did not answer in time (past 30 s once, past 120 s once) where alone it takes 6 s.
 * The cause was not found; what stands out is that on two cores jest runs every suite in one
 * process, so a worker thread there shares whatever earlier suites left in it. A process of its
 * own shares nothing; if the cause was elsewhere, the limit below still ends a hang with a
 * message instead of a stuck suite (it guards, it does not fix).
 */
const root = join(__dirname, '..', '..');
const filePath = __filename;

const WORK = `export function work(): Promise<number> {
  return Promise.resolve(1);
}
`;

/**
 * Lints each snippet in one process (one ESLint, one type-checked program); rule ids per snippet.
 */
const LINT_IN_CHILD = `
const { ESLint } = require(process.argv[1]);
const { root, filePath, snippets } = JSON.parse(process.argv[2]);
(async () => {
  const eslint = new ESLint({ cwd: root });
  const ids = [];
  for (const code of snippets) {
    const [result] = await eslint.lintText(code, { filePath });
    ids.push(result.messages.map((message) => message.ruleId));
  }
  process.stdout.write(JSON.stringify(ids));
})().catch((error) => {
  process.stderr.write(String(error && error.stack));
  process.exitCode = 1;
});
`;

/** Time for the child; past it, it is killed and the suite fails saying so instead of hanging. */
const LINT_TIMEOUT_MS = 100_000;

async function lintInChild(snippets: readonly string[]): Promise<(string | null)[][]> {
  const args = [
    '-e',
    LINT_IN_CHILD,
    require.resolve('eslint'),
    JSON.stringify({ root, filePath, snippets }),
  ];
  const { stdout } = await run(process.execPath, args, { timeout: LINT_TIMEOUT_MS });
  // A message without a rule id is a fatal one (the file was not parsed or not type-checked).
  return JSON.parse(stdout) as (string | null)[][];
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

// A comment line one column past prettier's printWidth (100): prettier leaves a comment as it is.
const LONG_COMMENT = `${WORK}// ${'x'.repeat(98)}
`;

// A comment line of exactly 100 columns, and a code line prettier leaves long (a string it
// cannot break): code is prettier's to wrap, so the width rule leaves it alone.
const FITTING_COMMENT = `${WORK}// ${'x'.repeat(97)}
export const LONG_STRING = '${'s'.repeat(120)}';
`;

let floating: (string | null)[];
let misused: (string | null)[];
let handled: (string | null)[];
let longComment: (string | null)[];
let fittingComment: (string | null)[];

// Loading ESLint and building the type-checked program of `tools` takes seconds of CPU; the
// limits guard against a hang, they do not time the linter.
beforeAll(async () => {
  [floating = [], misused = [], handled = [], longComment = [], fittingComment = []] =
    await lintInChild([FLOATING, MISUSED, HANDLED, LONG_COMMENT, FITTING_COMMENT]);
}, LINT_TIMEOUT_MS + 10_000);

describe('the lint enforces the promise habits', () => {
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

describe('the lint holds comments to the 100 columns prettier holds code to', () => {
  it('reports a comment line of 101 columns with max-len', () => {
    expect(longComment).toEqual(['@stylistic/max-len']);
  });

  it('accepts a 100-column comment and a code line prettier leaves long (negative control)', () => {
    expect(fittingComment).toEqual([]);
  });
});

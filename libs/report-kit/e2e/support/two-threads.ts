import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** The built library, which the threads load (jest's runtime cannot hand TypeScript to one). */
const DIST = join(__dirname, '../../dist/index.js');

/**
 * Runs `step` `runs` times in each of two threads, `a` and `b`, started at one moment (a
 * barrier on shared memory), and answers the errors the steps threw, by code (a name where an
 * error has none), both threads summed: a control must show the race's own errors, not any.
 * `step` is JavaScript with `fs`, `path`, `lib` (the built library), `name` (`a` or `b`), `i`
 * (the step), `workerData` (`data` and the above) and whatever `preamble` declares in scope.
 * Whether the two overlap depends on the machine's load: a race test runs rounds of it until
 * its control shows the race.
 */
export async function inTwoThreads(
  { preamble = '', step }: { preamble?: string; step: string },
  data: { runs: number } & Record<string, unknown>,
): Promise<Failures> {
  const source = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const lib = require(workerData.dist);
const { name } = workerData;
${preamble}
const ready = new Int32Array(workerData.barrier);
Atomics.add(ready, 0, 1);
while (Atomics.load(ready, 0) < 2) Atomics.wait(ready, 0, Atomics.load(ready, 0), 10);
const failed = {};
for (let i = 0; i < workerData.runs; i++) {
  try {
    ${step}
  } catch (error) {
    const code = error?.code ?? error?.name ?? String(error);
    failed[code] = (failed[code] ?? 0) + 1;
  }
}
parentPort.postMessage(failed);
`;
  const barrier = new SharedArrayBuffer(4);
  const failed = await Promise.all(
    ['a', 'b'].map(
      (name) =>
        new Promise<Failures>((resolve, reject) => {
          const worker = new Worker(source, {
            eval: true,
            workerData: { ...data, dist: DIST, name, barrier },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  return summed(failed);
}

/** Errors by code, and how many of each. */
export type Failures = Record<string, number>;

/** `all` added up, code by code. */
function summed(all: readonly Failures[]): Failures {
  const sum: Failures = {};
  for (const failures of all)
    for (const [code, n] of Object.entries(failures)) sum[code] = (sum[code] ?? 0) + n;
  return sum;
}

/**
 * Runs `round(0)`, `round(1)`, … — each answering its steps' errors — until one fails or `max`
 * have run: how a race test's control shows that the race is seen on this machine at all, and
 * in how many rounds, which the real code then gets as many of.
 */
export async function roundsUntilFailure(
  round: (n: number) => Promise<Failures>,
  max: number,
): Promise<{ rounds: number; failures: Failures }> {
  let [rounds, failures] = [0, {} as Failures];
  while (Object.keys(failures).length === 0 && rounds < max) failures = await round(rounds++);
  return { rounds, failures };
}

/** A new temporary folder for a race's reports (call in a describe), removed after it. */
export function raceRoot(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

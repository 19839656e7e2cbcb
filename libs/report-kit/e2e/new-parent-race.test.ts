import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Two runs writing their reports under one new root (`reports/<day>/a` and `…/b`) both find the
 * root missing, and one makes it first. Real threads on the build, started at one moment (a
 * barrier on shared memory), each making report folders under a new parent per run. Whether two
 * threads overlap depends on the machine's load, so the control — mkdir -p with no tolerance for
 * a part made meanwhile — runs rounds until it shows the race, and the real one then gets as
 * many rounds.
 */
const dist = join(__dirname, '../dist/index.js');
const RUNS = 300;
const MAX_ROUNDS = 20;

/** Each thread's error codes (by count). */
const MAKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { writeReportFolder } = require(workerData.dist);
const intolerant = (dir) => {
  const missing = [];
  for (let at = dir; !fs.existsSync(at); at = path.dirname(at)) missing.unshift(at);
  for (const part of missing) fs.mkdirSync(part);
};
const ready = new Int32Array(workerData.barrier);
Atomics.add(ready, 0, 1);
while (Atomics.load(ready, 0) < 2) Atomics.wait(ready, 0, Atomics.load(ready, 0), 10);
const errors = {};
for (let i = 0; i < workerData.runs; i++) {
  const dir = path.join(workerData.root, workerData.round + '-' + i, workerData.name);
  try {
    if (workerData.control) intolerant(dir);
    else writeReportFolder(dir, { 'x.md': workerData.name });
  } catch (error) {
    errors[error.code] = (errors[error.code] ?? 0) + 1;
  }
}
parentPort.postMessage(errors);
`;

/** One round: both threads' failures, summed. */
async function round(root: string, control: boolean, n: number): Promise<number> {
  const barrier = new SharedArrayBuffer(4);
  const errors = await Promise.all(
    ['a', 'b'].map(
      (name) =>
        new Promise<Record<string, number>>((resolve, reject) => {
          const worker = new Worker(MAKER, {
            eval: true,
            workerData: { dist, root, name, round: n, runs: RUNS, control, barrier },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  return errors.flatMap((e) => Object.values(e)).reduce((a, b) => a + b, 0);
}

describe('a new root made by two runs at once', () => {
  const root = mkdtempSync(join(tmpdir(), 'new-parent-race-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let rounds = 0;

  it('failed a run that found its part made meanwhile (the control: this race is seen here)', async () => {
    let failed = 0;
    while (failed === 0 && rounds < MAX_ROUNDS) failed += await round(root, true, rounds++);
    expect(failed).toBeGreaterThan(0);
  }, 120_000);

  it('is made once and taken by the other, both reports written, in as many rounds', async () => {
    for (let n = 0; n < rounds; n++) {
      const r = MAX_ROUNDS + n;
      expect([n, await round(root, false, r)]).toEqual([n, 0]);
      const missing = Array.from({ length: RUNS }, (_, i) => i).flatMap((i) =>
        ['a', 'b'].filter((name) => !existsSync(join(root, `${r}-${i}`, name, 'x.md'))),
      );
      expect([n, missing]).toEqual([n, []]);
    }
  }, 120_000);
});

import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Two runs finishing together both point `latest` at their report. Real threads on the build
 * (jest's runtime cannot hand TypeScript to a thread), each writing report folders in a loop,
 * started at one moment (a barrier on shared memory). Whether two threads overlap depends on the
 * machine's load, so the control — the unlink-then-link replace writeReportFolder used before —
 * runs rounds until it shows the race, and the real one then gets as many rounds.
 */
const dist = join(__dirname, '../dist/index.js');
const RUNS = 400;
const MAX_ROUNDS = 20;

/** Each thread's error codes (by count). */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { writeReportFolder } = require(workerData.dist);
const unlinkThenLink = (root, dir) => {
  const link = root + '/latest';
  if (fs.lstatSync(link, { throwIfNoEntry: false })) fs.unlinkSync(link);
  fs.symlinkSync(dir, link, 'dir');
};
const ready = new Int32Array(workerData.barrier);
Atomics.add(ready, 0, 1);
while (Atomics.load(ready, 0) < 2) Atomics.wait(ready, 0, Atomics.load(ready, 0), 10);
const errors = {};
for (let i = 0; i < workerData.runs; i++) {
  const name = workerData.name + '-' + workerData.round + '-' + i;
  try {
    if (workerData.control) {
      fs.mkdirSync(workerData.root + '/' + name);
      unlinkThenLink(workerData.root, name);
    } else {
      writeReportFolder(workerData.root + '/' + name, { 'x.md': name }, { latest: 'latest' });
    }
  } catch (error) {
    errors[error.code] = (errors[error.code] ?? 0) + 1;
  }
}
parentPort.postMessage(errors);
`;

/** One round: both threads' failures, summed, and where `latest` points after it. */
async function round(root: string, control: boolean, n: number) {
  const barrier = new SharedArrayBuffer(4);
  const errors = await Promise.all(
    ['a', 'b'].map(
      (name) =>
        new Promise<Record<string, number>>((resolve, reject) => {
          const worker = new Worker(WRITER, {
            eval: true,
            workerData: { dist, root, name, round: n, runs: RUNS, control, barrier },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const failed = errors.flatMap((e) => Object.values(e)).reduce((a, b) => a + b, 0);
  return { failed, latest: readlinkSync(join(root, 'latest')) };
}

describe('the `latest` link under two runs finishing together', () => {
  const root = mkdtempSync(join(tmpdir(), 'latest-race-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let rounds = 0;

  it('failed runs replaced by unlinking, then linking (the control: this race is seen here)', async () => {
    let failed = 0;
    while (failed === 0 && rounds < MAX_ROUNDS)
      failed += (await round(root, true, rounds++)).failed;
    expect(failed).toBeGreaterThan(0);
  }, 120_000);

  it('is replaced without an error for either in as many rounds, pointing at a report of the last', async () => {
    for (let n = 0; n < rounds; n++) {
      const { failed, latest } = await round(root, false, MAX_ROUNDS + n);
      expect([n, failed]).toEqual([n, 0]);
      expect(latest).toMatch(new RegExp(`^[ab]-${MAX_ROUNDS + n}-${RUNS - 1}$`));
    }
  }, 120_000);
});

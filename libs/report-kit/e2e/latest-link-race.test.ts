import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Two runs finishing together both point `latest` at their report. Real threads on the build
 * (jest's runtime cannot hand TypeScript to a thread), each writing report folders in a loop.
 */
const dist = join(__dirname, '../dist/index.js');
const RUNS = 400;

/** Each thread's error codes (by count): `pointLatest` is its way of replacing the link. */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { writeReportFolder } = require(workerData.dist);
// The control: replace by unlink then link, as writeReportFolder did before.
const unlinkThenLink = (root, dir) => {
  const link = root + '/latest';
  if (fs.lstatSync(link, { throwIfNoEntry: false })) fs.unlinkSync(link);
  fs.symlinkSync(dir, link, 'dir');
};
const errors = {};
for (let i = 0; i < workerData.runs; i++) {
  const name = workerData.name + '-' + i;
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

async function race(
  control: boolean,
): Promise<{ errors: Record<string, number>[]; latest: string }> {
  const root = mkdtempSync(join(tmpdir(), 'latest-race-'));
  try {
    const errors = await Promise.all(
      ['a', 'b'].map(
        (name) =>
          new Promise<Record<string, number>>((resolve, reject) => {
            const worker = new Worker(WRITER, {
              eval: true,
              workerData: { dist, root, name, runs: RUNS, control },
            });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    return { errors, latest: readlinkSync(join(root, 'latest')) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('the `latest` link under two runs finishing together', () => {
  it('is replaced without an error for either, and points at the last report of one of them', async () => {
    const { errors, latest } = await race(false);
    expect(errors).toEqual([{}, {}]);
    expect(latest).toMatch(new RegExp(`^[ab]-${RUNS - 1}$`));
  });

  it('failed runs replaced by unlinking, then linking (the control: this race is seen here)', async () => {
    const { errors } = await race(true);
    const failed = errors.flatMap((e) => Object.values(e)).reduce((a, b) => a + b, 0);
    expect(failed).toBeGreaterThan(0);
  });
});

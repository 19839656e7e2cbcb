import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { inTwoThreads, raceRoot, roundsUntilFailure } from './support/two-threads';

/**
 * Two runs finishing together both point `latest` at their report. Real threads on the build
 * (jest's runtime cannot hand TypeScript to a thread), each writing report folders in a loop,
 * started at one moment (a barrier on shared memory). Whether two threads overlap depends on the
 * machine's load, so the control — the unlink-then-link replace writeReportFolder used before —
 * runs rounds until it shows the race, and the real one then gets as many rounds.
 */
const RUNS = 400;
const MAX_ROUNDS = 20;

/** One round: both threads' failures, summed, and where `latest` points after it. */
async function round(root: string, control: boolean, n: number) {
  const failed = await inTwoThreads(
    {
      preamble: `
const unlinkThenLink = (root, dir) => {
  const link = root + '/latest';
  if (fs.lstatSync(link, { throwIfNoEntry: false })) fs.unlinkSync(link);
  fs.symlinkSync(dir, link, 'dir');
};`,
      step: `
const report = name + '-' + workerData.round + '-' + i;
if (workerData.control) {
  fs.mkdirSync(workerData.root + '/' + report);
  unlinkThenLink(workerData.root, report);
} else {
  lib.writeReportFolder(workerData.root + '/' + report, { 'x.md': report }, { latest: 'latest' });
}`,
    },
    { root, round: n, runs: RUNS, control },
  );
  return { failed, latest: readlinkSync(join(root, 'latest')) };
}

describe('the `latest` link under two runs finishing together', () => {
  const root = raceRoot('latest-race-');
  let rounds = 0;

  it('failed runs replaced by unlinking, then linking (the control: this race is seen here)', async () => {
    let failures: Record<string, number>;
    ({ rounds, failures } = await roundsUntilFailure(
      async (n) => (await round(root, true, n)).failed,
      MAX_ROUNDS,
    ));
    // The race's own errors, and only they: the link made (EEXIST) or removed (ENOENT) by the
    // other thread between this one's look and its act.
    expect(Object.keys(failures).length).toBeGreaterThan(0);
    expect(Object.keys(failures).filter((code) => !['EEXIST', 'ENOENT'].includes(code))).toEqual(
      [],
    );
  }, 120_000);

  it('is replaced without an error for either in as many rounds, pointing at a report of the last', async () => {
    for (let n = 0; n < rounds; n++) {
      const { failed, latest } = await round(root, false, MAX_ROUNDS + n);
      expect([n, failed]).toEqual([n, {}]);
      expect(latest).toMatch(new RegExp(`^[ab]-${MAX_ROUNDS + n}-${RUNS - 1}$`));
    }
  }, 120_000);
});

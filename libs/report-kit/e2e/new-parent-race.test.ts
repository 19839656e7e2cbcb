import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inTwoThreads, raceRoot, roundsUntilFailure } from './support/two-threads';

/**
 * Two runs writing their reports under one new root (`reports/<day>/a` and `…/b`) both find the
 * root missing, and one makes it first. Real threads on the build, started at one moment (a
 * barrier on shared memory), each making report folders under a new parent per run. Whether two
 * threads overlap depends on the machine's load, so the control — mkdir -p with no tolerance for
 * a part made meanwhile — runs rounds until it shows the race, and the real one then gets as
 * many rounds.
 */
const RUNS = 300;
const MAX_ROUNDS = 20;

/** One round: both threads' failures, summed. */
const round = (root: string, control: boolean, n: number) =>
  inTwoThreads(
    {
      preamble: `
const intolerant = (dir) => {
  const missing = [];
  for (let at = dir; !fs.existsSync(at); at = path.dirname(at)) missing.unshift(at);
  for (const part of missing) fs.mkdirSync(part);
};`,
      step: `
const dir = path.join(workerData.root, workerData.round + '-' + i, name);
if (workerData.control) intolerant(dir);
else lib.writeReportFolder(dir, { 'x.md': name });`,
    },
    { root, round: n, runs: RUNS, control },
  );

describe('a new root made by two runs at once', () => {
  const root = raceRoot('new-parent-race-');
  let rounds = 0;

  it('failed a run that found its part made meanwhile (the control: this race is seen here)', async () => {
    let failures: Record<string, number>;
    ({ rounds, failures } = await roundsUntilFailure((n) => round(root, true, n), MAX_ROUNDS));
    // The race's own error, and only it: a part the other thread made meanwhile.
    expect(failures).toEqual({ EEXIST: expect.any(Number) });
  }, 120_000);

  it('is made once and taken by the other, both reports written, in as many rounds', async () => {
    for (let n = 0; n < rounds; n++) {
      const r = MAX_ROUNDS + n;
      expect([n, await round(root, false, r)]).toEqual([n, {}]);
      const missing = Array.from({ length: RUNS }, (_, i) => i).flatMap((i) =>
        ['a', 'b'].filter((name) => !existsSync(join(root, `${r}-${i}`, name, 'x.md'))),
      );
      expect([n, missing]).toEqual([n, []]);
    }
  }, 120_000);
});

import { ADMISSION_OFF } from '@concurrency-lab/launcher';
import { tempFolder, until } from '@concurrency-lab/launcher/testing';
import { isAlive } from '@concurrency-lab/procfs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnModel } from './support/spawned-model';

interface LogLine {
  msg: string;
  level?: number;
  pid?: number;
  role?: string;
  kind?: string;
  workerPid?: number;
}

/**
 * The operator's workload (`LAB_WORKLOAD`) is code with top-level effects: it is loaded by the
 * workers, which run it, and never by the primary, which holds the model together.
 */
describe('cluster-service with an operator workload', () => {
  const folder = tempFolder('cluster-workload-');

  it('never loads the workload in the primary: a timer it leaves behind ends workers, not the model', async () => {
    const marks = join(folder, 'loaded-by');
    const workload = join(folder, 'left-behind.cjs');
    writeFileSync(
      workload,
      [
        "require('node:fs').appendFileSync(process.env.WORKLOAD_MARKS, `${process.pid}\\n`);",
        "setTimeout(() => { throw new Error('left-behind callback'); }, 1500);",
        'module.exports = { run: (x) => x * 2, inputs: () => [1, 2, 3] };',
      ].join('\n'),
    );
    // Not `launch`: on a loaded machine a worker may meet the timer before it listens, and the
    // model may never log `listening`; what matters is which process runs the module.
    const spawned = spawnModel({
      WORKERS: '2',
      LAB_WORKLOAD: workload,
      WORKLOAD_MARKS: marks,
      ...ADMISSION_OFF,
    });
    const { child, pid: primaryPid, exited, output } = spawned;
    const logs = () => spawned.logs<LogLine>();
    try {
      // The timer goes off in a worker: that worker ends (fatal, exit 1) and is replaced…
      await until(() => logs().some((l) => l.msg === 'worker crashed; respawning'), {
        what: 'a worker to crash',
        detail: output,
      });
      const loadedBy = readFileSync(marks, 'utf8').trim().split('\n').map(Number);
      // Before, the primary loaded it first, to check it, and its timer killed the primary.
      expect(loadedBy).not.toContain(primaryPid);
      expect(loadedBy.length).toBeGreaterThanOrEqual(1);
      // …and the primary lives on (before, it died with a raw stack, taking every worker along).
      expect(isAlive(primaryPid)).toBe(true);
      const fatal = logs().filter((l) => l.level === 60);
      expect(fatal.length).toBeGreaterThan(0);
      expect(fatal.every((l) => l.pid !== primaryPid && l.kind === 'uncaughtException')).toBe(true);
      expect(output()).not.toMatch(/^Error: left-behind callback/m);
      child.kill('SIGTERM');
      // Workers may be dying by the timer as it drains: how clean is up to them; the primary
      // itself exits, not killed.
      const [, signal] = await exited;
      expect(signal).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);

  it('stops the start when the workers refuse the module (ERR_WORKLOAD_MODULE): exit 2, nothing respawned', async () => {
    const workload = join(folder, 'no-run.cjs');
    writeFileSync(workload, 'module.exports = { inputs: () => [1] };\n');
    const { child, exited, output, logs } = spawnModel({ WORKERS: '2', LAB_WORKLOAD: workload });
    try {
      const [code] = await exited;
      // Every worker refused it (and said why, on the shared stderr); the primary stopped.
      expect({ code, output: output() }).toMatchObject({ code: 2 });
      expect(output()).toContain('ERR_WORKLOAD_MODULE');
      const lines = logs<LogLine>();
      expect(lines.filter((l) => l.msg === 'forked')).toHaveLength(2);
      expect(lines.map((l) => l.msg)).not.toContain('worker crashed; respawning');
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: 'cluster failed to start', level: 60, role: 'primary' }),
      );
      const forked = lines.filter((l) => l.msg === 'forked').map((l) => l.workerPid as number);
      await until(() => forked.every((pid) => !isAlive(pid)), { what: 'no worker to be left' });
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '@concurrency-lab/procfs';
import { startParent } from '@concurrency-lab/procfs/testing';
import { tiedCommand } from '../src';
import { until } from '../src/testing';

/** fixtures/tied-parent.js, its `sleep 60` started `tied` or not: that `sleep`'s parent. */
const parentOf = (mode: 'tied' | 'untied') =>
  startParent(join(__dirname, 'fixtures', 'tied-parent.js'), [mode]);

// This machine has util-linux's setpriv (Debian's essential util-linux): the tie holds here.
describe('tiedCommand: a program that dies with the process that started it', () => {
  it('is the program itself, same pid, nothing between', async () => {
    const { command, args, tied } = tiedCommand('sleep', ['60']);
    expect(tied).toBe(true);
    const child = spawn(command, args, { stdio: 'ignore' });
    try {
      // setpriv exec'd sleep: the pid spawn gave is sleep's own.
      await until(() => readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'sleep', {
        what: 'setpriv to exec sleep',
      });
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it('ends when its parent is killed outright (SIGKILL: no exit hook runs)', async () => {
    const run = await parentOf('tied');
    try {
      await run.killParent();
      await until(() => !isAlive(run.child), { what: 'the tied program to end', timeoutMs: 5000 });
    } finally {
      run.cleanUp();
    }
  });

  it('negative control: started untied, the program outlives its parent', async () => {
    const run = await parentOf('untied');
    try {
      await run.killParent();
      await sleep(1000);
      expect(isAlive(run.child)).toBe(true);
    } finally {
      run.cleanUp();
    }
  });

  it('a program that cannot run: setpriv exits 127 and says why', async () => {
    const { command, args } = tiedCommand('/nonexistent/program', []);
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(127);
    expect(stderr).toMatch(/\/nonexistent\/program: No such file or directory/);
  });
});

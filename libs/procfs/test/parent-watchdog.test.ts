import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { thrown } from '@concurrency-lab/errors/testing';
import {
  InvalidArgumentError,
  isProcfsError,
  MAX_GRACE_MS,
  PARENT_POLL_MS,
  threadNames,
  watchParent,
  WATCHDOG_THREAD_NAME,
} from '../src';

describe('watchParent', () => {
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, Number.MAX_SAFE_INTEGER])(
    'refuses a grace of %s ms with its code (still a RangeError, as it was)',
    (graceMs) => {
      const error = thrown(() => watchParent({ graceMs }));
      expect(error).toMatchObject({
        code: 'ERR_PROCFS_INVALID_ARGUMENT',
        name: 'InvalidArgumentError',
        message: expect.stringContaining(`${graceMs}`),
      });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toBeInstanceOf(RangeError);
      expect(isProcfsError(error, 'ERR_PROCFS_INVALID_ARGUMENT')).toBe(true);
    },
  );

  // The parent of this test's process (jest's, or a shell's) outlives it: the thread must run on
  // and kill nothing.
  it('starts one thread, named for the OS, that runs on beside a live parent', async () => {
    const named = () => threadNames(process.pid)?.filter((n) => n === WATCHDOG_THREAD_NAME);
    expect(named()).toEqual([]);
    const watchdog = watchParent({ graceMs: 0 });
    if (!watchdog) throw new Error('no watchdog started');
    await once(watchdog, 'online');
    expect(named()).toEqual([WATCHDOG_THREAD_NAME]);
    await new Promise((resolve) => setTimeout(resolve, 2 * PARENT_POLL_MS + 50));
    // Still running: terminated here, its exit code is 1 (ended on its own, 0).
    const [[code]] = (await Promise.all([once(watchdog, 'exit'), watchdog.terminate()])) as [
      [number],
      number,
    ];
    expect(code).toBe(1);
    expect(named()).toEqual([]);
  });

  // A timer's longest delay is the longest grace: a longer one fires after 1 ms and kills at once.
  it('takes the longest grace a timer can wait', async () => {
    const watchdog = watchParent({ graceMs: MAX_GRACE_MS });
    if (!watchdog) throw new Error('no watchdog started');
    await Promise.all([once(watchdog, 'exit'), watchdog.terminate()]);
  });
});

describe('threadNames', () => {
  it("lists a live process's threads by name, Node's main thread among them", () => {
    expect(threadNames(process.pid)).toContain('MainThread');
  });

  it('is undefined for a process that does not exist', () => {
    expect(threadNames(2 ** 31 - 1)).toBeUndefined();
  });

  // comm ends in a newline, which is not the name's; trimEnd() took the name's own trailing
  // blanks with it. Node trims a Worker's `name` itself, so the thread names itself through /proc.
  it('reads a name with its trailing blanks, only the newline taken off', async () => {
    const name = 'trail \t ';
    const code = `require('node:fs').writeFileSync('/proc/thread-self/comm', ${JSON.stringify(name)});
      require('node:worker_threads').parentPort.postMessage('named');
      setInterval(() => undefined, 1000);`;
    const worker = new Worker(code, { eval: true });
    try {
      await once(worker, 'message');
      const names = threadNames(process.pid);
      expect(names).toContain(name);
      expect(names?.filter((n) => n.endsWith('\n'))).toEqual([]);
    } finally {
      await worker.terminate();
    }
  });
});

import { describeBoundary } from '../test/support/boundary-semantics';
import { until } from '@concurrency-lab/launcher/testing';
import { isAlive, threadNames, WATCHDOG_THREAD_NAME } from '@concurrency-lab/procfs';
import { spawn, type ChildProcess } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BOOT_DEATHS_TO_BREAK,
  BOOT_RETRY_DELAY_MS,
  EARLY_DEATH_WINDOW_MS,
  EARLY_DEATHS_TO_BREAK,
} from '../src/child-process-pool';
import type { ProcessPoolExecutorOptions } from '../src/index';
import { WORKER_MESSAGE, workerMessage } from '../src/task-protocol';
import { createExecutor, rejection, TASKS, TaskLog } from '../test/support/executors';
import { describeExecutorSemantics } from '../test/support/executor-semantics';

/**
 * The child processes forked during each test of the calling `describe`, as Node's
 * `child_process` diagnostics channel announces them (in fork order).
 */
function forkedInEachTest(): ChildProcess[] {
  const children: ChildProcess[] = [];
  const seen = (message: unknown) => children.push((message as { process: ChildProcess }).process);
  beforeEach(() => {
    children.length = 0;
    subscribe('child_process', seen);
  });
  afterEach(() => unsubscribe('child_process', seen));
  return children;
}

/**
 * Runs a fixture script with `args` until it exits on its own: its exit and what it printed. A
 * script held open forever is killed after 15 s (and the test fails on its signal), not left
 * running.
 */
async function runScript(script: string, ...args: string[]) {
  const parent = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const guard = setTimeout(() => parent.kill('SIGKILL'), 15_000);
  // 'close', not 'exit': it comes once stdout is read to its end, so no result line is missed.
  const [code, signal] = (await once(parent, 'close')) as [number | null, string | null];
  clearTimeout(guard);
  return { parent, code, signal, out };
}

/**
 * Calls `then` with each child forked from now on as its `up` reaches this process (before the
 * pool's own listener sees it), until the returned function is called. Call it before the
 * executor forks. A fixed sleep does not stand for "up": fork-to-up takes 0.1-0.5 s on a
 * loaded machine, and a child killed before it is up is a different case.
 */
function onEachUp(then: (child: ChildProcess) => void): () => void {
  const seen = (message: unknown) => {
    const child = (message as { process: ChildProcess }).process;
    child.on('message', (raw: unknown) => {
      if (workerMessage(raw)?.[WORKER_MESSAGE] === 'up') then(child);
    });
  };
  subscribe('child_process', seen);
  return () => unsubscribe('child_process', seen);
}

describeExecutorSemantics('process');

describeBoundary('process');

describe('process executor: workers are processes', () => {
  it('runs tasks in other processes, one pid per worker', async () => {
    await using executor = createExecutor('process', { maxWorkers: 2 });
    const meeting = new TaskLog();
    try {
      // Each task blocks until both have started, so both children are up and busy at once
      // (one child alone fails here: its task gives up waiting for the other's, after 10 s).
      const ran = await Promise.all(
        ['a', 'b'].map((id) =>
          executor
            .submit<{ pid: number }>({ id, log: meeting.path, parties: 2 }, { name: 'meetWhoami' })
            .result(),
        ),
      );
      const pids = new Set(ran.map(({ pid }) => pid));
      expect(pids.size).toBe(2);
      expect(pids.has(process.pid)).toBe(false);
    } finally {
      meeting.remove();
    }
  });
});

describe('a script that never shuts its pool down', () => {
  const FORGETFUL_PARENT = join(__dirname, '..', 'test', 'fixtures', 'forgetful-parent.js');

  // The thread executor is the control: its idle threads never held the process.
  it.each(['thread', 'process'])(
    'ends on its own once its %s pool has finished the work, and leaves no worker behind',
    async (kind) => {
      const log = new TaskLog();
      try {
        const { parent, code, signal, out } = await runScript(FORGETFUL_PARENT, kind, log.path);
        expect({ code, signal }).toEqual({ code: 0, signal: null });
        // The task submitted and never awaited ran to its end first: work holds the process.
        const results = out
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown);
        expect(results).toHaveLength(2);
        expect(results).toContain('slow');
        expect(log.lines()).toEqual(['start slow', 'end slow']);
        const ranOn = results.find((r) => typeof r === 'object') as { pid: number };
        if (kind === 'process') {
          expect(ranOn.pid).not.toBe(parent.pid);
          await until(() => !isAlive(ranOn.pid), { what: 'the pool child to be gone' });
        } else {
          expect(ranOn.pid).toBe(parent.pid);
        }
      } finally {
        log.remove();
      }
    },
  );
});

describe('ready(): every worker up, where answered warm-up tasks are no proof', () => {
  /** Where `secondSlowSetup` numbers the workers and marks each one up. */
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'executors-ready-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const up = () => readdirSync(dir).filter((name) => name.startsWith('up-')).length;

  it('negative control: one warm-up task per worker can all be answered by one child while its sibling is in its initializer; ready() waits for it', async () => {
    await using executor = createExecutor('process', {
      maxWorkers: 2,
      initializer: 'secondSlowSetup',
      initargs: { dir, ms: 1500 },
    });
    // What procpool-service's warm-up did: as many tasks as children, awaited together. The
    // first child up takes the first, answers, then takes the second (no task waits for a
    // particular child).
    const answered = await Promise.all(
      [1, 2].map(() => executor.submit<{ pid: number }>(null, { name: 'whoami' }).result()),
    );
    expect(new Set(answered.map(({ pid }) => pid)).size).toBe(1);
    expect(up()).toBe(1);
    await executor.ready();
    expect(up()).toBe(2);
  });

  const READY_PARENT = join(__dirname, '..', 'test', 'fixtures', 'ready-parent.js');

  // ready() holds the process while it waits (without, the script ends with the pool still
  // booting and prints nothing), and lets go once settled (else it never ends).
  it.each(['thread', 'process'])(
    'a script that awaits ready() on its %s pool and never shuts it down gets it, then ends on its own',
    async (kind) => {
      const { code, signal, out } = await runScript(READY_PARENT, kind, dir);
      expect({ code, signal, out }).toEqual({ code: 0, signal: null, out: '{"up":2}\n' });
    },
  );

  // Asked nothing, the script ends on its own either way. A thread still in its initializer
  // holds it until the initializer returns (piscina lets go of a thread's channel once the
  // thread says it is ready: after its initializer); a booting child process holds nothing, and
  // the script ends before the slow one is up (the README says both).
  it.each(['thread', 'process'])(
    'a script that asks nothing of its %s pool ends on its own',
    async (kind) => {
      const { code, signal, out } = await runScript(READY_PARENT, kind, dir, 'no-wait');
      expect({ code, signal, out }).toEqual({ code: 0, signal: null, out: '' });
      if (kind === 'thread') expect(up()).toBe(2);
      else expect(up()).toBeLessThan(2);
    },
  );
});

describe('process executor: terminateWorkers sends SIGTERM, killWorkers SIGKILL', () => {
  let log: TaskLog;
  beforeEach(() => (log = new TaskLog()));
  afterEach(() => log.remove());

  const stubbornTask = async (id: string) => {
    const executor = createExecutor('process', { maxWorkers: 1 });
    const future = executor.submit<string>({ id, log: log.path }, { name: 'stubborn' });
    await until(() => log.has(`start ${id}`), { what: 'the task to start' });
    return { executor, future };
  };

  it('a child that handles SIGTERM sees it; its task fails at once, the shutdown kills it', async () => {
    const { executor, future } = await stubbornTask('a');
    const gone = executor.terminateWorkers();
    // Failed before its child is gone: the child ignores SIGTERM and its IPC channel's close.
    expect((await rejection(future.result())).code).toBe('ERR_EXECUTOR_TERMINATED');
    await gone; // the shutdown's SIGKILL, after its grace
    expect(log.lines()).toEqual(['start a', 'sigterm a']);
    expect(executor.stats.workers).toBe(0);
  });

  it('killWorkers: SIGKILL, which no handler sees (the control of the SIGTERM above)', async () => {
    const { executor, future } = await stubbornTask('b');
    await executor.killWorkers();
    expect((await rejection(future.result())).code).toBe('ERR_EXECUTOR_TERMINATED');
    expect(log.lines()).toEqual(['start b']);
    expect(executor.stats.workers).toBe(0);
  });
});

describe('process executor: maxTasksPerChild', () => {
  /** The pids that ran `tasks` tasks one after the other on a pool of one child. */
  const pidsOver = async (tasks: number, maxTasksPerChild?: number) => {
    await using executor = createExecutor('process', {
      maxWorkers: 1,
      ...(maxTasksPerChild === undefined ? {} : { maxTasksPerChild }),
    });
    const pids: number[] = [];
    for (let i = 0; i < tasks; i++) {
      pids.push((await executor.submit<{ pid: number }>(null, { name: 'whoami' }).result()).pid);
    }
    return { pids, stats: executor.stats };
  };

  it('a child answers that many tasks, then a fresh one takes over; none counts as replaced', async () => {
    const { pids, stats } = await pidsOver(5, 2);
    const [a, b, c] = [...new Set(pids)];
    expect(pids).toEqual([a, a, b, b, c]);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(stats).toMatchObject({ retired: 2, replaced: 0, crashed: 0, completed: 5 });
  });

  it('negative control: unset, one child answers them all', async () => {
    const { pids, stats } = await pidsOver(5);
    expect(new Set(pids).size).toBe(1);
    expect(stats).toMatchObject({ retired: 0, replaced: 0 });
  });

  it("a task's error counts as an answer; the next task runs on a fresh child", async () => {
    await using executor = createExecutor('process', { maxWorkers: 1, maxTasksPerChild: 1 });
    const before = await executor.submit<{ pid: number }>(null, { name: 'whoami' }).result();
    const failure = await rejection(
      executor.submit({ name: 'Error', message: 'no', code: 'E_NO' }, { name: 'fail' }).result(),
    );
    expect(failure.code).toBe('E_NO');
    const after = await executor.submit<{ pid: number }>(null, { name: 'whoami' }).result();
    expect(after.pid).not.toBe(before.pid);
    expect(executor.stats).toMatchObject({ retired: 3, failed: 1 });
  });

  it('tasks queued while the only child is retired wait for its replacement', async () => {
    await using executor = createExecutor('process', { maxWorkers: 1, maxTasksPerChild: 1 });
    const futures = Array.from({ length: 4 }, (_, i) =>
      executor.submit<number>(i, { name: 'double' }),
    );
    expect(await Promise.all(futures.map((future) => future.result()))).toEqual([0, 2, 4, 6]);
    expect(executor.stats).toMatchObject({ retired: 4, workers: 1 });
  });

  it('a retired child that does not exit when its channel closes is killed after the grace', async () => {
    await using executor = createExecutor('process', { maxWorkers: 1, maxTasksPerChild: 1 });
    const { pid } = await executor.submit<{ pid: number }>(null, { name: 'clingy' }).result();
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false; // gone and reaped
        throw error;
      }
    };
    expect(alive()).toBe(true);
    // Before the shutdown: it would otherwise live as long as the pool.
    await until(() => !alive(), { what: 'the retired child to be killed' });
    expect(executor.stats).toMatchObject({ retired: 1, workers: 1 });
  });

  describe("forks, counted on Node's child_process diagnostics channel", () => {
    const forked = forkedInEachTest();

    it('running: a retired child is replaced at once, before any task asks (the pool stays warm)', async () => {
      await using executor = createExecutor('process', { maxWorkers: 1, maxTasksPerChild: 1 });
      expect(await executor.submit<number>(1, { name: 'double' }).result()).toBe(2);
      // Forked in the retirement itself, which comes before the result reaches us.
      expect(forked).toHaveLength(2);
      expect(executor.stats).toMatchObject({ retired: 1, workers: 1 });
    });

    it('shutting down: each queued task gets a fresh child, and none is forked after the last', async () => {
      const executor = createExecutor('process', { maxWorkers: 1, maxTasksPerChild: 1 });
      const futures = [1, 2, 3].map((n) => executor.submit<number>(n, { name: 'double' }));
      await executor.shutdown();
      expect(await Promise.all(futures.map((future) => future.result()))).toEqual([2, 4, 6]);
      // One child per task; a replacement for the last one's would make it 4.
      expect(forked).toHaveLength(3);
      expect(executor.stats).toMatchObject({ retired: 3, completed: 3, workers: 0 });
    });
  });

  it('refuses a maxTasksPerChild that is not an integer from 1, before forking', () => {
    for (const maxTasksPerChild of [0, 1.5, '2' as never]) {
      expect(() => createExecutor('process', { maxTasksPerChild })).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
      );
    }
  });
});

describe('process executor: execArgv', () => {
  const heapLimit = async (execArgv?: string[]) => {
    await using executor = createExecutor('process', {
      maxWorkers: 1,
      ...(execArgv ? { execArgv } : {}),
    });
    return executor
      .submit<{ execArgv: string[]; limit: number }>(null, { name: 'heapLimit' })
      .result();
  };

  it("gives each child those Node options: --max-old-space-size caps a child's heap", async () => {
    const capped = await heapLimit(['--max-old-space-size=64']);
    expect(capped.execArgv).toEqual(['--max-old-space-size=64']);
    // The control: unset, the child has the parent's options and V8's default heap, far above
    // (the limit counts the young generation too: not 64 MiB exactly).
    const unset = await heapLimit();
    expect(unset.execArgv).toEqual(process.execArgv);
    expect(unset.limit).toBeGreaterThan(capped.limit);
  });

  it('refuses an execArgv that is not an array of strings, before forking', () => {
    // A NUL byte was fork's own TypeError, thrown from inside the pool once it had registered.
    for (const execArgv of ['--max-old-space-size=64', [64], ['--x\0']] as never[]) {
      expect(() => createExecutor('process', { execArgv })).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
      );
    }
    expect(() => createExecutor('process', { filename: `${TASKS}\0` })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
  });
});

describe('process executor: a child that dies idle, before its first task', () => {
  const children = forkedInEachTest();

  it('once (an operator’s or the OOM killer’s SIGKILL) is replaced: the pool is not broken', async () => {
    const up: ChildProcess[] = [];
    const stop = onEachUp((child) => up.push(child));
    await using executor = createExecutor('process', { maxWorkers: 1 });
    try {
      // Killed before it is up, it would break the pool (the pool is starting): not this case.
      await until(() => up.length === 1, { what: 'the child to be up' });
    } finally {
      stop();
    }
    expect(children).toHaveLength(1);
    expect(up[0]).toBe(children[0]); // the only child forked so far: up, and idle
    children[0]?.kill('SIGKILL');
    await until(() => children.length === 2, { what: 'a replacement' });
    expect(await executor.submit<number>(2, { name: 'double' }).result()).toBe(4);
    expect(executor.stats).toMatchObject({ replaced: 1 });
  });

  it(`${EARLY_DEATHS_TO_BREAK} SIGKILLs in a row, each as its child says it is up (an operator, the OOM killer), are replaced: not a death of its own`, async () => {
    // Killed as its `up` reaches us, idle, never given a task: inside the early-death window,
    // the hardest case. Killed later, minutes apart even, each broke the pool too, before.
    const stop = onEachUp((child) => {
      // The last replacement lives.
      if (children.indexOf(child) < EARLY_DEATHS_TO_BREAK) child.kill('SIGKILL');
    });
    await using executor = createExecutor('process', { maxWorkers: 1 });
    try {
      await until(() => children.length === EARLY_DEATHS_TO_BREAK + 1, {
        what: `a replacement for each of ${EARLY_DEATHS_TO_BREAK} children killed`,
      });
    } finally {
      stop();
    }
    expect(children.slice(0, -1).map((child) => child.signalCode)).toEqual(
      Array.from({ length: EARLY_DEATHS_TO_BREAK }, () => 'SIGKILL'),
    );
    expect(await executor.submit<number>(2, { name: 'double' }).result()).toBe(4);
    expect(executor.stats).toMatchObject({ replaced: EARLY_DEATHS_TO_BREAK });
  });

  it(`children that die on their own past the early-death window are replaced, ${EARLY_DEATHS_TO_BREAK} in a row and more: each came up and could serve`, async () => {
    // The control of the test below: the same initializer's timer, fired past the window (with
    // room for a loaded machine to read the child's `up` late) instead of within it.
    const executor = createExecutor('process', {
      maxWorkers: 1,
      initializer: 'crashLaterSetup',
      initargs: 2 * EARLY_DEATH_WINDOW_MS,
    });
    try {
      // The one after the third death: a broken pool forks nothing more.
      await until(() => children.length > EARLY_DEATHS_TO_BREAK, {
        what: `a replacement for each of ${EARLY_DEATHS_TO_BREAK} children dead`,
        timeoutMs: 20_000,
      });
      expect(children.slice(0, EARLY_DEATHS_TO_BREAK).map((child) => child.exitCode)).toEqual(
        Array.from({ length: EARLY_DEATHS_TO_BREAK }, () => 6),
      );
      expect(executor.stats.replaced).toBeGreaterThanOrEqual(EARLY_DEATHS_TO_BREAK);
    } finally {
      await executor.shutdown();
    }
  });

  it('a child that lived past the window between early deaths ends the row: counted afresh after it', async () => {
    // Early, late, then EARLY_DEATHS_TO_BREAK - 1 early: counted across the late one, the last
    // would break the pool. The one after lives.
    const early = 100;
    const ms = [
      early,
      2 * EARLY_DEATH_WINDOW_MS,
      ...Array<number>(EARLY_DEATHS_TO_BREAK - 1).fill(early),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'lab-executors-'));
    const executor = createExecutor('process', {
      maxWorkers: 1,
      initializer: 'crashInTurnSetup',
      initargs: { dir, ms },
    });
    try {
      await until(() => children.length === ms.length + 1, {
        what: `a replacement for each of ${ms.length} children dead`,
        timeoutMs: 20_000,
      });
      expect(children.slice(0, ms.length).map((child) => child.exitCode)).toEqual(ms.map(() => 6));
      expect(await executor.submit<number>(2, { name: 'double' }).result()).toBe(4);
      expect(executor.stats).toMatchObject({ replaced: ms.length });
    } finally {
      await executor.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`${EARLY_DEATHS_TO_BREAK} times in a row (a timer its initializer left) breaks the pool: no fork loop`, async () => {
    let brokenBy: Error | undefined;
    const executor = createExecutor('process', {
      maxWorkers: 1,
      initializer: 'crashLaterSetup',
      initargs: 100,
      onBroken: (cause) => (brokenBy = cause),
    });
    try {
      // Each child boots (up to ~0.5 s on a loaded machine), then its timer ends it: wait for
      // the break itself, not for a guess at how long three boots take.
      await until(() => brokenBy !== undefined, { what: 'the pool to break', timeoutMs: 20_000 });
      expect(brokenBy).toMatchObject({ exitCode: 6 }); // the initializer's timer, not a kill
      expect(children).toHaveLength(EARLY_DEATHS_TO_BREAK);
      await until(() => executor.stats.workers === 0, { what: 'the pool to end' });
      // No fourth fork after the break. An absence cannot be awaited: this wait only gives a
      // late fork time to show (one that died before it was up is forked again after a pause).
      await new Promise((resolve) => setTimeout(resolve, 3 * BOOT_RETRY_DELAY_MS));
      expect(children).toHaveLength(EARLY_DEATHS_TO_BREAK);
      // A broken executor refuses at submit, as Python's raises BrokenProcessPool there.
      expect(() => executor.submit<number>(2, { name: 'double' })).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_BROKEN' }) as Error,
      );
    } finally {
      // Also on a failure: a pool left forking would add its children to the next tests'.
      await executor.shutdown();
    }
  });
});

describe('process executor: a replacement that dies before it is up, once the pool has started', () => {
  const children = forkedInEachTest();
  let log: TaskLog;
  beforeEach(() => (log = new TaskLog()));
  afterEach(() => log.remove());

  /** Two children, both up: each has taken one of two tasks that wait for each other. */
  const started = async (
    options: { initializer: string; initargs: unknown } & Partial<ProcessPoolExecutorOptions>,
  ) => {
    const executor = createExecutor('process', { maxWorkers: 2, ...options });
    await Promise.all(
      ['a', 'b'].map((id) =>
        executor.submit({ id, log: log.path, parties: 2 }, { name: 'meet' }).result(),
      ),
    );
    return executor;
  };

  it('killed in its boot (SIGKILL) is forked again: the pool is not broken, its sibling lives', async () => {
    // 400 ms of initializer: a replacement is killed well before it is up.
    const executor = await started({ initializer: 'pauseSetup', initargs: 400 });
    try {
      const [first, sibling] = children;
      first?.kill('SIGKILL');
      await until(() => children[2]?.pid !== undefined, { what: 'a replacement' });
      children[2]?.kill('SIGKILL');
      // Before, the pool broke here (Python's BrokenProcessPool) and ended the sibling too.
      await until(() => children.length === 4, { what: 'the replacement forked again' });
      expect(await executor.submit<number>(2, { name: 'double' }).result()).toBe(4);
      expect(isAlive(sibling?.pid ?? -1)).toBe(true);
      expect(executor.stats).toMatchObject({ workers: 2, replaced: 1 });
    } finally {
      await executor.shutdown();
    }
  });

  it(`${BOOT_DEATHS_TO_BREAK} in a row break the pool: forked again only that often, no loop`, async () => {
    const flag = `${log.path}.flag`;
    const executor = await started({ initializer: 'exitSetupIfFlagged', initargs: flag });
    // Its child dies mid-task; every replacement from now on dies in its initializer.
    expect(await rejection(executor.submit(flag, { name: 'flagAndExit' }).result())).toMatchObject({
      code: 'ERR_EXECUTOR_WORKER_CRASHED',
      exitCode: 9,
    });
    await until(() => executor.stats.workers === 0, { what: 'the pool to break and end' });
    // A negative check: no fork after the break. An absence cannot be awaited; this wait only
    // gives a fork loop time to show.
    await new Promise((resolve) => setTimeout(resolve, 600));
    // The first two, the crashed one's replacement, and its forks again before the break.
    expect(children).toHaveLength(2 + 1 + (BOOT_DEATHS_TO_BREAK - 1));
    expect(() => executor.submit(1, { name: 'double' })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_BROKEN' }) as Error,
    );
    await executor.shutdown();
  });

  it('a first child dying in its initializer breaks the pool though recycled children came up meanwhile', async () => {
    // maxTasksPerChild 1: while the second first child boots (4 s), the first one answers,
    // retires and is replaced, again and again. Those replacements coming up do not make the pool
    // started: it is starting until each of its first children has come up.
    const dir = mkdtempSync(join(tmpdir(), 'lab-executors-'));
    const executor = createExecutor('process', {
      maxWorkers: 2,
      maxTasksPerChild: 1,
      initializer: 'secondExitsLateSetup',
      initargs: { dir, ms: 4000 },
    });
    try {
      // Both first children have taken their start numbers before a task retires one. Else, on
      // a loaded machine, the first child's replacement (forked once it retires) could start
      // before the second first child and be "the second": it would die instead, and a
      // replacement dying is retried, not a broken pool (seen: 6 starts, the pool up).
      await until(() => readdirSync(dir).length >= 2, { what: 'both first children to start' });
      for (let i = 0; i < 3; i++) {
        expect(await executor.submit<number>(i, { name: 'double' }).result()).toBe(2 * i);
      }
      expect(executor.stats.completed).toBe(3); // replacements came up before the death
      await until(() => executor.stats.workers === 0, {
        what: 'the pool to break and end',
        detail: () => `stats ${JSON.stringify(executor.stats)}, starts ${readdirSync(dir).join()}`,
      });
      expect(() => executor.submit(1, { name: 'double' })).toThrow(
        expect.objectContaining({ code: 'ERR_EXECUTOR_BROKEN' }) as Error,
      );
    } finally {
      await executor.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`boot deaths apart, each followed by a child coming up, never add up to ${BOOT_DEATHS_TO_BREAK}: the pool is not broken`, async () => {
    // Each round: a child dies mid-task and sets the flag, its replacement dies in its
    // initializer (exit 5), the flag goes, and the one forked again comes up healthy.
    const flag = `${log.path}.flag`;
    const unflag = (message: unknown) => {
      const child = (message as { process: ChildProcess }).process;
      child.on('exit', (code) => code === 5 && rmSync(flag, { force: true }));
    };
    subscribe('child_process', unflag);
    let ups = 0;
    const stop = onEachUp(() => ups++);
    let brokenBy: Error | undefined;
    const executor = await started({
      initializer: 'exitSetupIfFlagged',
      initargs: flag,
      onBroken: (cause: Error) => (brokenBy = cause),
    });
    try {
      const doubled: number[] = [];
      for (let round = 1; round <= BOOT_DEATHS_TO_BREAK; round++) {
        const upBefore = ups;
        expect(
          await rejection(executor.submit(flag, { name: 'flagAndExit' }).result()),
        ).toMatchObject({ exitCode: 9 });
        // A child up again (the count is reset), or the pool broken (it was not).
        await until(() => ups > upBefore || brokenBy !== undefined, {
          what: `round ${round}: a healthy child up after the boot death`,
        });
        expect(brokenBy).toBeUndefined();
        doubled.push(await executor.submit<number>(21, { name: 'double' }).result());
      }
      expect(doubled).toEqual(Array.from({ length: BOOT_DEATHS_TO_BREAK }, () => 42));
      // Each round forked two: the replacement that died booting and the one forked again.
      expect(children.filter((child) => child.exitCode === 5)).toHaveLength(BOOT_DEATHS_TO_BREAK);
      expect(executor.stats).toMatchObject({ workers: 2 });
    } finally {
      stop();
      unsubscribe('child_process', unflag);
      await executor.shutdown();
    }
  });

  it('a task waiting for the booting replacement is queued, not running', async () => {
    await using executor = createExecutor('process', { maxWorkers: 1 });
    expect(await executor.submit<number>(1, { name: 'double' }).result()).toBe(2);
    await rejection(executor.submit(7, { name: 'exit' }).result());
    // The replacement was forked as the crash was seen: it cannot be up in this same turn.
    const future = executor.submit<number>(2, { name: 'double' });
    expect(executor.stats).toMatchObject({ workers: 1, running: 0, queued: 1, idle: 1 });
    expect(await future.result()).toBe(4);
    expect(executor.stats).toMatchObject({ running: 0, queued: 0 });
  });
});

describe('process executor: the only child stays in service after a task that never reached it', () => {
  let log: TaskLog;
  beforeEach(() => (log = new TaskLog()));
  afterEach(() => log.remove());

  it('an argument that cannot be copied fails its task at submit; the next task runs on the same child', async () => {
    await using executor = createExecutor('process', { maxWorkers: 1 });
    // v8.serialize refuses a function before anything is written to the channel: the child
    // never sees that task and must be handed the next one, or the pool has no child to give.
    const bad = await rejection(executor.submit(() => 1, { name: 'double' }).result());
    expect(bad).toMatchObject({ code: 'ERR_EXECUTOR_DATA_CLONE' });
    // A timeout, so that a child left out of service fails here instead of hanging the test.
    expect(await executor.submit<number>(4, { name: 'double' }).result({ timeout: 5_000 })).toBe(8);
    expect(executor.stats).toMatchObject({ workers: 1, running: 0, queued: 0 });
  });

  it('a task aborted while it waits for the booting replacement never runs on it', async () => {
    await using executor = createExecutor('process', { maxWorkers: 1 });
    await executor.ready();
    await rejection(executor.submit(7, { name: 'exit' }).result());
    // The replacement was forked as the crash was seen: both tasks wait in the pool for it.
    const controller = new AbortController();
    const aborted = executor.submit(
      { id: 'aborted', ms: 10, log: log.path },
      { name: 'sleep', signal: controller.signal },
    );
    // The negative control: the same task, not aborted, does run and write the log.
    const kept = executor.submit({ id: 'kept', ms: 10, log: log.path }, { name: 'sleep' });
    controller.abort(new Error('gave up'));
    expect(await rejection(aborted.result())).toMatchObject({ message: 'gave up' });
    // First in, first out: had the aborted task stayed in the line, the replacement would have
    // run it before this one.
    expect(await kept.result()).toBe('kept');
    expect(log.lines()).toEqual(['start kept', 'end kept']);
  });
});

describe("process executor: signals to the parent's process group, and the parent's end", () => {
  const GROUP_PARENT = join(__dirname, '..', 'test', 'fixtures', 'group-parent.js');
  let log: TaskLog;
  beforeEach(() => (log = new TaskLog()));
  afterEach(() => log.remove());

  /** The fixture as the leader of its own process group; resolves once both tasks run. */
  const startParent = async (mode: 'drain' | 'wait', task: string[] = []) => {
    const parent = spawn(process.execPath, [GROUP_PARENT, log.path, mode, ...task], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(parent, 'exit');
    const events: Record<string, unknown>[] = [];
    let buffered = '';
    parent.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) events.push(JSON.parse(line) as Record<string, unknown>);
    });
    await until(() => events.some((event) => event['started']), {
      what: 'both tasks to start',
    });
    const children = events.find((event) => event['started'])?.['children'] as number[];
    return { parent, exited, events, children };
  };

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'a group %s (a Ctrl-C, a supervisor stopping the service) leaves the children be: the parent drains, their tasks finish',
    async (signal) => {
      const { parent, exited, events } = await startParent('drain');
      try {
        process.kill(-(parent.pid ?? 0), signal);
        expect(await exited).toEqual([0, null]);
        // Before, the children died of the signal: both tasks crashed, and two were forked.
        expect(events.at(-1)).toMatchObject({
          signal,
          outcomes: ['a', 'b'],
          stats: { completed: 2, crashed: 0, replaced: 0 },
        });
      } finally {
        parent.kill('SIGKILL');
      }
    },
  );

  it.each(['SIGUSR2', 'SIGKILL'] as const)(
    'the children still end with their parent (%s to it alone: its own exit, or killed)',
    async (signal) => {
      const { parent, exited, children } = await startParent('wait');
      try {
        expect(children).toHaveLength(2);
        expect(children.every(isAlive)).toBe(true);
        parent.kill(signal);
        await exited;
        // Mid-task (an async one): the channel's close ends each child, signals or not.
        await until(() => !children.some(isAlive), { what: 'the children to end' });
      } finally {
        parent.kill('SIGKILL');
        for (const pid of children.filter(isAlive)) process.kill(pid, 'SIGKILL');
      }
    },
  );

  // A child stuck in synchronous code reads neither its channel's close nor (it ignores them)
  // SIGINT and SIGTERM: what ends it when its parent is gone?
  const STUCK = ['block', '60000'];

  it('a parent that exits without shutting its pool down SIGKILLs children stuck in synchronous code', async () => {
    const { parent, exited, children } = await startParent('wait', STUCK);
    try {
      expect(children.every(isAlive)).toBe(true);
      parent.kill('SIGUSR2'); // process.exit(0), the pool never shut down
      expect(await exited).toEqual([0, null]);
      await until(() => !children.some(isAlive), { what: 'the stuck children to end' });
    } finally {
      parent.kill('SIGKILL');
      for (const pid of children.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  });

  // No exit hook runs then: each child's watchdog thread (procfs's `watchParent`) sees its
  // parent gone and SIGKILLs its own process. Before it, these children ran on for their 60 s
  // (procfs's e2e keeps that control: a bare child stuck in sync code outlives its parent).
  it('a parent killed outright (SIGKILL, the OOM killer): its stuck children end too', async () => {
    const { parent, exited, children } = await startParent('wait', STUCK);
    try {
      expect(children).toHaveLength(2);
      for (const child of children) expect(threadNames(child)).toContain(WATCHDOG_THREAD_NAME);
      parent.kill('SIGKILL');
      await exited;
      // The watchdog polls every 250 ms: 5 s is room for a loaded machine, far short of 60 s.
      await until(() => !children.some(isAlive), {
        what: 'the stuck children to end',
        timeoutMs: 5_000,
      });
    } finally {
      for (const pid of children.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  });
});

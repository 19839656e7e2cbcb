import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  catchesSignal,
  childrenOf,
  isAlive,
  processTree,
  processTreeUsage,
  processUsage,
} from '../src';
import { readStat } from '../src/proc-stat';

/** Uses 0.4 s of CPU time (not wall time: a busy machine does not shorten it), then exits. */
const BURN = 'while (process.cpuUsage().user + process.cpuUsage().system < 400_000);';
/** What /proc says BURN used at least: its 10 ms ticks may trail getrusage by a few. */
const BURNT = 0.35;

/**
 * Runs `body` on the pids of tree.js's three processes (root, child, grandchild), then kills
 * whichever are left and waits for the root's exit; answers the pids, for checks once gone.
 */
async function onTree(body: (pids: number[]) => Promise<void> | void): Promise<number[]> {
  const root = spawn(process.execPath, [join(__dirname, 'fixtures', 'tree.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pids: number[] = [root.pid ?? -1];
  try {
    const [line] = (await once(root.stdout, 'data')) as [Buffer];
    const { child, grandchild } = JSON.parse(line.toString()) as Record<string, number>;
    pids.push(child ?? -1, grandchild ?? -1);
    await body(pids);
  } finally {
    for (const pid of pids) if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
    if (root.exitCode === null && root.signalCode === null) await once(root, 'exit');
  }
  return pids;
}

describe('processTree and processTreeUsage, on a real tree three deep', () => {
  it('find every process below the root, parents first, and sum what the OS says they use', async () => {
    const pids = await onTree((pids) => {
      const [, child, grandchild] = pids;

      expect(processTree(pids[0] ?? -1)).toEqual(pids);
      expect(childrenOf(pids[0] ?? -1)).toEqual([child]);
      expect(childrenOf(child ?? -1)).toEqual([grandchild]);
      expect(childrenOf(grandchild ?? -1)).toEqual([]);

      const usage = processTreeUsage(pids[0] ?? -1, { fds: true });
      // Three Node processes: each has its main thread and V8's and libuv's helper threads, tens
      // of MiB resident, and stdio and epoll descriptors open.
      expect(usage).toMatchObject({ processes: 3 });
      expect(usage?.threads).toBeGreaterThanOrEqual(3 * 4);
      expect(usage?.rssBytes).toBeGreaterThan(3 * 10 * 2 ** 20);
      expect(usage?.fds).toBeGreaterThanOrEqual(3 * 3);
      expect(usage?.cpuSeconds).toBeGreaterThan(0); // three Node start-ups
      // The subtree below the child is the child and its child only.
      expect(processTree(child ?? -1)).toEqual([child, grandchild]);
      expect(processTreeUsage(child ?? -1)).toMatchObject({ processes: 2, fds: undefined });
    });
    // Gone: nothing to read, which is not the same as an empty tree.
    expect(processTree(pids[0] ?? -1)).toBeUndefined();
    expect(processTreeUsage(pids[0] ?? -1)).toBeUndefined();
  });
  it("reports the sum of its processes' RSS and descriptors, not the largest one's", async () => {
    await onTree(async (pids) => {
      const sumOf = () => {
        const each = pids.map((pid) => processUsage(pid, { fds: true }));
        return {
          rss: each.reduce((sum, usage) => sum + (usage?.rssBytes ?? 0), 0),
          fds: each.reduce((sum, usage) => sum + (usage?.fds ?? 0), 0),
          largestRss: Math.max(...each.map((usage) => usage?.rssBytes ?? 0)),
          fewestFds: Math.min(...each.map((usage) => usage?.fds ?? 0)),
        };
      };
      // The grandchild is announced as soon as it is spawned, while Node still starts in it
      // (opening descriptors, growing): the tree is read between two per-process readings that
      // agree, so what it saw is what the processes held then. A descriptor can still open and
      // close between them unseen by both (CI once read the tree at 50 and both sums at 49):
      // such a reading is taken again, so a tree never equal to the sum waits out the 10 s.
      const reading = await eventually(() => {
        const before = sumOf();
        const tree = processTreeUsage(pids[0] ?? -1, { fds: true });
        const after = sumOf();
        const steady =
          before.fds === after.fds &&
          tree?.fds === after.fds &&
          Math.abs(before.rss - after.rss) <= before.rss * 0.02;
        return steady ? { tree, each: after } : undefined;
      });
      const { tree, each } = reading;
      expect(tree?.processes).toBe(3);
      // Three Node processes of tens of MiB and several descriptors each: the largest alone is
      // far from the sum, so a tree reporting its largest process fails both checks below.
      expect(each.largestRss).toBeLessThan(each.rss * 0.6);
      expect(each.fewestFds).toBeGreaterThan(2);
      // RSS may still move a little between readings taken at different instants.
      expect(Math.abs((tree?.rssBytes ?? 0) - each.rss)).toBeLessThanOrEqual(each.rss * 0.1);
      expect(tree?.fds).toBe(each.fds);
    });
  });
});

describe('processTreeUsage as processes end', () => {
  it('keeps the CPU of descendants that ended once waited for: the total never falls', async () => {
    // root → middle → burner: the burner says `burning <pid>`, uses 0.4 s and ends once told
    // (SIGUSR2), the middle process waits for it and ends, the root waits for the middle process
    // and says `reaped`. Told only after a reading saw all three: on a loaded machine (load 8.6
    // on 2 cores, in CI) the burner once came and went between two readings 20 ms apart.
    const root = spawn(process.execPath, [join(__dirname, 'fixtures', 'burn-tree.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const readings: { cpuSeconds: number; processes: number }[] = [];
    const read = () => {
      const usage = processTreeUsage(root.pid ?? -1);
      if (usage) readings.push({ cpuSeconds: usage.cpuSeconds, processes: usage.processes });
      return usage;
    };
    try {
      const lines = createInterface({ input: root.stdout });
      let burner = 0;
      let reaped = false;
      lines.on('line', (line) => {
        if (line.startsWith('burning ')) burner = Number(line.slice('burning '.length));
        if (line === 'reaped') reaped = true;
      });
      while (!reaped) {
        const usage = read();
        if (burner > 0 && usage?.processes === 3) {
          process.kill(burner, 'SIGUSR2');
          burner = -1;
        }
        await sleep(20);
      }
      lines.close();
      for (let i = 0; i < 3; i++) {
        read();
        await sleep(20);
      }
    } finally {
      await killed(root);
    }
    const cpu = readings.map((r) => r.cpuSeconds);
    const falls = cpu.flatMap((c, i) => (i > 0 && c < (cpu[i - 1] ?? 0) ? [[cpu[i - 1], c]] : []));
    expect(falls).toEqual([]);
    // It was read while all three ran, and at the end the root alone runs, the burner's 0.4 s
    // still in the total (in the middle process's cutime, then in the root's).
    expect(Math.max(...readings.map((r) => r.processes))).toBe(3);
    expect(readings.at(-1)?.processes).toBe(1);
    expect(readings.at(-1)?.cpuSeconds).toBeGreaterThanOrEqual(BURNT);
  });

  it('leaves out a zombie (exited, not waited for) as a process but keeps its CPU', async () => {
    // sh starts the burner, then becomes `sleep`, which never waits: the burner ends a zombie.
    const root = spawn('sh', ['-c', '"$0" -e "$1" & exec sleep 60', process.execPath, BURN], {
      stdio: 'ignore',
    });
    try {
      const zombie = await eventually(() => {
        const [child] = childrenOf(root.pid ?? -1) ?? [];
        return child !== undefined && !isAlive(child) ? child : undefined;
      });
      // Still the kernel's child (childrenOf lists what the kernel lists), but not running.
      expect(childrenOf(root.pid ?? -1)).toEqual([zombie]);
      expect(processTree(root.pid ?? -1)).toEqual([root.pid]);
      const usage = processTreeUsage(root.pid ?? -1);
      // `sleep` alone runs: one process, one thread; the zombie's 0.4 s is not lost.
      expect(usage).toMatchObject({ processes: 1, threads: 1 });
      expect(usage?.cpuSeconds).toBeGreaterThanOrEqual(BURNT);
      // A zombie is no tree's root: nothing runs there (not an empty tree, not one with 0).
      expect(processTree(zombie)).toBeUndefined();
      expect(processTreeUsage(zombie)).toBeUndefined();
    } finally {
      await killed(root);
    }
  });
});

describe('childrenOf: a child is listed under the thread that forked it', () => {
  it('finds a child a worker thread spawned, not only the main thread’s', async () => {
    // libuv forks from the thread that calls spawn: this child is in the worker's task folder.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
      const child = require('node:child_process').spawn('sleep', ['60'], { stdio: 'ignore' });
      parentPort.postMessage(child.pid);
      parentPort.once('message', () => { child.kill('SIGKILL'); child.once('exit', () => process.exit(0)); });`,
      { eval: true },
    );
    const [pid] = (await once(worker, 'message')) as [number];
    try {
      expect(childrenOf(process.pid)).toContain(pid);
      expect(processTree(process.pid)).toContain(pid);
    } finally {
      worker.postMessage('kill');
      await once(worker, 'exit');
    }
  });
});

describe('processUsage', () => {
  it('counts the process’s own CPU only, not that of the children it has waited for', () => {
    // spawnSync returns once it has waited for the child: the child's 0.4 s are now this
    // process's cutime, which processTreeUsage adds and processUsage must not.
    expect(spawnSync(process.execPath, ['-e', BURN]).status).toBe(0);
    const usage = processUsage(process.pid);
    const own = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
    // /proc's ticks may trail getrusage by a few; the reaped 0.4 s would be far above it.
    expect(usage?.cpuSeconds).toBeLessThanOrEqual(own + 0.05);
    expect(usage?.cpuSeconds).toBeGreaterThan(own - 0.1);
  });
});

describe('isAlive for a process that is not ours to signal', () => {
  it('is true for pid 1 seen by another user (signal 0 says EPERM: it exists)', () => {
    // As root every signal 0 succeeds: the check runs as `nobody`, which may not signal pid 1.
    const root = process.getuid?.() === 0;
    const script = `const { isAlive } = require(${JSON.stringify(join(__dirname, '..', 'dist'))});
      let code = 'none'; try { process.kill(1, 0); } catch (error) { code = error.code; }
      console.log(JSON.stringify({ code, alive: isAlive(1) }));`;
    const run = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(run.stderr).toBe('');
    const answer = JSON.parse(run.stdout) as { code: string; alive: boolean };
    expect(answer.alive).toBe(true);
    // Not root, pid 1 may be ours (a container's user): then this is the plain case.
    if (root) expect(answer.code).toBe('EPERM');
  });
});

describe('a process whose name holds `)` and spaces', () => {
  it('runs, and is in the tree: its stat is read past the last `)` of the name', async () => {
    // A process names itself (comm, field 2 of its stat, in parentheses): this name reads, up to
    // its first `)`, as a name followed by a zombie's state.
    const name = 'a) Z 1 (b';
    const script = `require('fs').writeFileSync('/proc/self/comm', ${JSON.stringify(name)});
      console.log('named'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(child.stdout, 'data');
      const pid = child.pid ?? -1;
      expect(readFileSync(`/proc/${pid}/comm`, 'utf8')).toBe(`${name}\n`); // the name took
      expect(readStat(pid)?.state).toMatch(/^[RS]$/); // running or sleeping, not `Z`
      expect(isAlive(pid)).toBe(true);
      expect(processTree(process.pid)).toContain(pid);
      expect(processTreeUsage(pid)).toMatchObject({ processes: 1 });
    } finally {
      await killed(child);
    }
  });
});

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

/** `probe`'s first defined answer, asked every 20 ms for up to 10 s. */
async function eventually<T>(probe: () => T | undefined): Promise<T> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    const found = probe();
    if (found !== undefined) return found;
    await sleep(20);
  }
  throw new Error('Expected the probe to answer within 10 s');
}

describe('catchesSignal, on real processes', () => {
  /** A Node process that prints `ready` once `setup` ran; `printed(line)` waits for a line. */
  async function running(setup: string) {
    const child = spawn(
      process.execPath,
      ['-e', `${setup}; console.log('ready'); setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout });
    const printed = (wanted: string) =>
      new Promise<void>((resolve) => lines.on('line', (line) => line === wanted && resolve()));
    await printed('ready');
    return Object.assign(child, { printed });
  }

  it('tells a process with a handler for SIGUSR2 from one without, bit by bit', async () => {
    const catching = await running("process.on('SIGUSR2', (s) => console.log(s))");
    const plain = await running('');
    try {
      expect(catchesSignal(catching.pid ?? -1, 'SIGUSR2')).toBe(true);
      // The control: Node catches SIGUSR2 only for a listener; and the next bit, SIGPIPE's (13),
      // is not SIGUSR2's (12) — Node ignores SIGPIPE, which is not catching it.
      expect(catchesSignal(plain.pid ?? -1, 'SIGUSR2')).toBe(false);
      expect(catchesSignal(catching.pid ?? -1, 'SIGPIPE')).toBe(false);
      // What the answer is for: the catching one runs its handler and lives on.
      const heard = catching.printed('SIGUSR2');
      catching.kill('SIGUSR2');
      await heard;
      expect(isAlive(catching.pid ?? -1)).toBe(true);
    } finally {
      for (const child of [catching, plain]) {
        child.kill('SIGKILL');
        if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      }
    }
    // Gone (exited and reaped): no /proc entry to read.
    expect(catchesSignal(catching.pid ?? -1, 'SIGUSR2')).toBeUndefined();
  });
});

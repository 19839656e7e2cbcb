import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { childrenOf, isAlive, processTree, processTreeUsage } from '../src';

describe('processTree and processTreeUsage, on a real tree three deep', () => {
  it('find every process below the root, parents first, and sum what the OS says they use', async () => {
    const root = spawn(process.execPath, [join(__dirname, 'fixtures', 'tree.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pids: number[] = [root.pid ?? -1];
    try {
      const [line] = (await once(root.stdout, 'data')) as [Buffer];
      const { child, grandchild } = JSON.parse(line.toString()) as Record<string, number>;
      pids.push(child ?? -1, grandchild ?? -1);

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
    } finally {
      for (const pid of pids) if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
      if (root.exitCode === null && root.signalCode === null) await once(root, 'exit');
    }
    // Gone: nothing to read, which is not the same as an empty tree.
    expect(processTree(pids[0] ?? -1)).toBeUndefined();
    expect(processTreeUsage(pids[0] ?? -1)).toBeUndefined();
  });
});

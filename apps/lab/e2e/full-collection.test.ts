/**
 * The lab's ask for a full collection (full-collection.ts, collect-on-signal.ts), on real
 * processes: a root started with the lab's NODE_OPTIONS and a child of it started without. Only
 * the one that catches the signal is sent it, and it runs a forced full collection; the other
 * keeps the signal's default action (it would end), so it is never sent one.
 */
import { isAlive } from '@concurrency-lab/procfs';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { askForCollection, collectionNodeOptions } from '../src/full-collection';

/** The built preload's folder: the lab runs from dist/. */
const DIST = join(__dirname, '..', 'dist');

/**
 * Prints `{ child }` (a child started with no NODE_OPTIONS, that stays), then `forced major` for
 * each forced full collection it sees (perf_hooks' gc entries: what `gc()` runs is flagged
 * forced; V8's own are not).
 */
const ROOT = `
const { spawn } = require('node:child_process');
const { PerformanceObserver, constants } = require('node:perf_hooks');
new PerformanceObserver((list) => {
  for (const { detail } of list.getEntries())
    if (detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR &&
        detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) console.log('forced major');
}).observe({ entryTypes: ['gc'] });
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
  env: { ...process.env, NODE_OPTIONS: '' }, stdio: 'ignore',
});
console.log(JSON.stringify({ child: child.pid }));
setInterval(() => {}, 1000);
`;

describe('askForCollection on a real process tree', () => {
  const started: ChildProcess[] = [];
  afterEach(async () => {
    for (const root of started.splice(0)) {
      root.kill('SIGKILL');
      if (root.exitCode === null && root.signalCode === null) await once(root, 'exit');
    }
  });

  /** ROOT under `nodeOptions`: its pid, its child's, and a wait for a line it prints. */
  async function tree(nodeOptions: string) {
    const root = spawn(process.execPath, ['-e', ROOT], {
      env: { ...process.env, NODE_OPTIONS: nodeOptions },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    started.push(root);
    const lines = createInterface({ input: root.stdout });
    const printed = (test: (line: string) => boolean) =>
      new Promise<string>((resolve) => lines.on('line', (line) => test(line) && resolve(line)));
    const { child } = JSON.parse(await printed((l) => l.startsWith('{'))) as { child: number };
    return { root: root.pid ?? -1, child, printed };
  }

  it('signals the process the preload set up, which runs a forced full collection', async () => {
    const { root, child, printed } = await tree(collectionNodeOptions('', DIST));
    const forced = printed((line) => line === 'forced major');
    expect(askForCollection(root)).toBe(1);
    await forced;
    // The child without the preload was not sent it: SIGUSR2 would have ended it.
    expect([isAlive(root), isAlive(child)]).toEqual([true, true]);
  });

  it('signals no process of a tree started without it', async () => {
    // The control: the same tree, no preload — nothing catches SIGUSR2, nothing is sent it.
    const { root, child } = await tree('');
    expect(askForCollection(root)).toBe(0);
    expect([isAlive(root), isAlive(child)]).toEqual([true, true]);
  });

  it('keeps the NODE_OPTIONS a user set, first', async () => {
    const options = collectionNodeOptions('--max-old-space-size=300', DIST);
    expect(options).toBe(
      `--max-old-space-size=300 --expose-gc --require ${JSON.stringify(join(DIST, 'collect-on-signal.js'))}`,
    );
    const { root, printed } = await tree(options);
    const forced = printed((line) => line === 'forced major');
    expect(askForCollection(root)).toBe(1);
    await forced;
  });
});

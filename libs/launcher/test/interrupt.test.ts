import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { onInterrupt, startInterruptibly } from '../src';

// In-process: no signal is sent. The handlers `onInterrupt` adds are found as the listeners the
// test added, called directly, and removed after each test (startInterruptibly keeps its own).
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const quietStderr = () => jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
let before: Map<NodeJS.Signals, NodeJS.SignalsListener[]>;
let stderrWrite: ReturnType<typeof quietStderr>;
const added = (signal: NodeJS.Signals) =>
  process.listeners(signal).filter((l) => !(before.get(signal) ?? []).includes(l));

beforeEach(() => {
  before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  stderrWrite = quietStderr();
});

afterEach(() => {
  for (const signal of SIGNALS) for (const l of added(signal)) process.off(signal, l);
  jest.restoreAllMocks();
});

/** Resolves `value` after `ms`, a timer that holds nothing open. */
const after = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(resolve, ms, value).unref());

describe('onInterrupt', () => {
  it('runs `after` also when stopping fails, and says so', async () => {
    const done = jest.fn();
    onInterrupt(() => Promise.reject(new Error('boom')), done);
    const [handler] = added('SIGTERM');
    handler?.('SIGTERM');
    await after(20, undefined);
    expect(done).toHaveBeenCalledTimes(1);
    expect(done).toHaveBeenCalledWith('SIGTERM');
    expect(stderrWrite).toHaveBeenCalledWith('stopping failed: Error: boom\n');
  });

  it('removes both of its handlers, SIGINT and SIGTERM, when asked', () => {
    const remove = onInterrupt(async () => undefined, jest.fn());
    expect([added('SIGINT').length, added('SIGTERM').length]).toEqual([1, 1]);
    remove();
    expect([added('SIGINT').length, added('SIGTERM').length]).toEqual([0, 0]);
  });
});

describe('startInterruptibly', () => {
  interface Started {
    stop(): Promise<void>;
  }

  it('aborts a start still running when stopped, and `started` is then undefined', async () => {
    let aborted = false;
    const run = startInterruptibly<Started>(
      (signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason as Error);
          }),
        ),
      jest.fn(),
    );
    expect(await Promise.race([run.stop().then(() => 'stopped'), after(2000, 'pending')])).toBe(
      'stopped',
    );
    expect(aborted).toBe(true);
    expect(await run.started).toBeUndefined();
  });

  it('stops what a start that ignored the abort started, and gives it to nobody', async () => {
    let finish: (what: Started) => void = () => undefined;
    const run = startInterruptibly<Started>(
      () => new Promise((resolve) => (finish = resolve)),
      jest.fn(),
    );
    const stopping = run.stop();
    const what = { stop: jest.fn(async () => undefined) };
    finish(what);
    await stopping;
    expect(await run.started).toBeUndefined();
    expect(what.stop).toHaveBeenCalledTimes(1);
  });

  it('rejects `started` as the start does when it fails on its own', async () => {
    const run = startInterruptibly<Started>(
      () => Promise.reject(new Error('failed on its own')),
      jest.fn(),
    );
    await expect(run.started).rejects.toThrow('failed on its own');
    expect(run.stopping).toBe(false);
  });

  it('turns a start that throws at once into the rejection of `started`', async () => {
    const run = startInterruptibly<Started>(() => {
      throw new Error('thrown at once');
    }, jest.fn());
    await expect(run.started).rejects.toThrow('thrown at once');
  });

  it('says it is stopping once stopped, not before', async () => {
    const run = startInterruptibly<Started>(
      async () => ({ stop: async () => undefined }),
      jest.fn(),
    );
    await run.started;
    expect(run.stopping).toBe(false);
    await run.stop();
    expect(run.stopping).toBe(true);
  });
});

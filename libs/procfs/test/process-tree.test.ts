import { describe, expect, it } from '@jest/globals';
import { thrown } from '@concurrency-lab/errors/testing';
import {
  childrenOf,
  isAlive,
  processTree,
  processTreeUsage,
  processUsage,
} from '../src/process-tree';

// Above Linux's largest pid_max (2^22): no process has it.
const NO_SUCH_PID = 2 ** 22 + 1;

describe('processTreeUsage of this process', () => {
  it('puts this process first and reads what the OS says it uses', () => {
    expect(processTree(process.pid)?.[0]).toBe(process.pid);
    const seconds = () => (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
    const before = seconds();
    const usage = processTreeUsage(process.pid, { fds: true });
    // The tree holds this process at least (and whatever the test runner started below it).
    expect(usage?.processes).toBeGreaterThanOrEqual(1);
    expect(usage?.rssBytes).toBeGreaterThanOrEqual(process.memoryUsage().rss / 2);
    // In seconds, as getrusage says: /proc counts whole 10 ms ticks per thread, so it may trail
    // by a few ticks. No upper bound from getrusage: the tree's figure also holds the children
    // this process has reaped (a jest worker has reaped many), which its own usage leaves out.
    expect(usage?.cpuSeconds).toBeGreaterThan(before - 0.1);
    expect(usage?.threads).toBeGreaterThanOrEqual(1);
    expect(usage?.fds).toBeGreaterThanOrEqual(3);
  });

  it('is undefined for a process that does not exist, not an empty tree', () => {
    expect(childrenOf(NO_SUCH_PID)).toBeUndefined();
    expect(processTree(NO_SUCH_PID)).toBeUndefined();
    expect(processTreeUsage(NO_SUCH_PID)).toBeUndefined();
  });
});

describe('processUsage of one process', () => {
  it('reads this process alone, its descriptors only when asked', () => {
    const usage = processUsage(process.pid);
    expect(usage?.rssBytes).toBeGreaterThanOrEqual(process.memoryUsage().rss / 2);
    expect(usage?.cpuSeconds).toBeGreaterThan(0);
    expect(usage?.threads).toBeGreaterThanOrEqual(1);
    expect(usage?.fds).toBeUndefined();
    expect(processUsage(process.pid, { fds: true })?.fds).toBeGreaterThanOrEqual(3);
  });

  it('is undefined for a process that does not exist', () => {
    expect(processUsage(NO_SUCH_PID)).toBeUndefined();
  });
});

describe('isAlive', () => {
  it('is true for a process that exists, ours or not (pid 1 is not ours unless we are root)', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(1)).toBe(true);
  });

  it('is false for a pid no process has', () => {
    expect(isAlive(NO_SUCH_PID)).toBe(false);
  });

  it('is false for a pid no process can have, where signal 0 would reach a whole group', () => {
    // kill(0, 0) reaches our process group and kill(-1, 0) every process we may signal: both
    // succeed, yet name no process.
    for (const pid of [0, -1, -process.pid, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect([pid, isAlive(pid)]).toEqual([pid, false]);
    }
  });

  it('is false, not a TypeError from Node, for a pid past what a pid_t holds', () => {
    // process.kill takes only int32 pids; 2^31 - 1 still reaches the kernel (ESRCH), its
    // neighbour above would throw ERR_INVALID_ARG_TYPE, an error no caller of isAlive expects.
    for (const pid of [2 ** 31 - 1, 2 ** 31, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
      expect([pid, thrown(() => isAlive(pid)) ?? isAlive(pid)]).toEqual([pid, false]);
    }
  });
});

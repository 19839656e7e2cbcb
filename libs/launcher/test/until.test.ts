import { describe, expect, it } from '@jest/globals';
import { setImmediate } from 'node:timers/promises';
import { timersSetBy, until } from '../src/testing';

describe('until', () => {
  it('resolves at once when the condition already holds, without checking again', async () => {
    let checks = 0;
    await until(() => ++checks > 0);
    expect(checks).toBe(1);
  });

  it('resolves once a condition that changes later holds, sync or async', async () => {
    let ready = false;
    setTimeout(() => (ready = true), 30);
    await until(() => ready);
    expect(ready).toBe(true);
    let asyncChecks = 0;
    await until(async () => ++asyncChecks === 3, { everyMs: 1 });
    expect(asyncChecks).toBe(3);
  });

  it('rejects after timeoutMs, naming what it waited for (negative control: it never holds)', async () => {
    let checks = 0;
    await expect(
      until(() => (checks++, false), { what: 'the worker to queue', timeoutMs: 50 }),
    ).rejects.toThrow('timed out after 50 ms waiting for the worker to queue');
    expect(checks).toBeGreaterThan(1); // it checked more than once before giving up
  });

  it('adds its detail to the timeout, read only when it gives up', async () => {
    let reads = 0;
    const detail = () => `it printed: ${++reads} line`;
    await until(() => true, { detail });
    expect(reads).toBe(0);
    await expect(until(() => false, { what: 'a log line', timeoutMs: 20, detail })).rejects.toThrow(
      'timed out after 20 ms waiting for a log line; it printed: 1 line',
    );
  });

  it('waits between checks on no timer with everyMs 0, on one by default', async () => {
    /** The timers `until` has while it waits, with this pause between checks. */
    const timersWhileWaiting = async (everyMs?: number) => {
      let done = false;
      using waiting = timersSetBy(() => until(() => done, { everyMs }));
      await setImmediate(); // its first check is past: it now waits for the next
      const count = await waiting.pending();
      done = true;
      await waiting.result;
      expect(await waiting.pending()).toBe(0);
      return count;
    };
    expect(await timersWhileWaiting(0)).toBe(0);
    // Negative control: the default pause is a timer, one a test counting timers would see.
    expect(await timersWhileWaiting()).toBe(1);
  });
});

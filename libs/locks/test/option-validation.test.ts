import {
  Barrier,
  Condition,
  LockWatchdog,
  Mutex,
  RLock,
  Semaphore,
  SharedBarrier,
  SharedMutex,
  SharedSemaphore,
  type SharedMutexHandle,
} from '../src/index';

const invalid = expect.objectContaining({ code: 'ERR_LOCK_INVALID_ARGUMENT' });

describe('option validation', () => {
  it.each([
    ['a negative timeout', { timeout: -1 }],
    ['NaN', { timeout: Number.NaN }],
    ['a string', { timeout: '5' }],
    ['a timeout past the timer limit', { timeout: 2 ** 31 }],
    ['a signal that is not an AbortSignal', { signal: {} }],
    ['an owner that is not a LockOwner', { owner: 'me' }],
  ])('rejects acquire() with %s', async (_label, options) => {
    await expect(new Mutex().acquire(options as never)).rejects.toEqual(invalid);
  });

  it.each([null, 5, 'abc', true])(
    'rejects withLock(fn, %p) as acquire() does, without running fn; undefined means defaults',
    async (options) => {
      const ran: string[] = [];
      await expect(new Mutex().withLock(() => ran.push('ran'), options as never)).rejects.toEqual(
        invalid,
      );
      await expect(new Mutex().acquire(options as never)).rejects.toEqual(invalid);
      expect(ran).toEqual([]);
      await expect(new RLock().withLock(() => 'ran', undefined)).resolves.toBe('ran');
    },
  );

  it('says what was expected and what was received', async () => {
    await expect(new Mutex().acquire({ timeout: -1 })).rejects.toThrow(
      'Expected `timeout` to be a number of milliseconds from 0 to 2147483647, or Infinity, got `-1` (number)',
    );
  });

  it.each([
    ['Mutex name', () => new Mutex({ name: '' })],
    ['Semaphore permits', () => new Semaphore({ permits: -1 })],
    ['Semaphore permits', () => new Semaphore({ permits: 1.5 })],
    ['release count', () => new Semaphore().release(0)],
    ['Barrier parties', () => new Barrier({ parties: 0 })],
    ['Barrier action', () => new Barrier({ parties: 1, action: 'go' as never })],
    ['Condition lock', () => new Condition({ lock: {} as never })],
    // Checked before the lock is: a negative count would wake nobody and say nothing.
    ['notify count', () => new Condition().notify(-1)],
    ['notify count', () => new Condition().notify(1.5)],
    ['observer', () => new RLock({ observer: 'log' as never })],
    ['SharedMutex maxWaiters', () => new SharedMutex({ maxWaiters: 0 })],
    ['SharedMutex maxWaiters past 65,536', () => new SharedMutex({ maxWaiters: 65_537 })],
    // 2^31 permits would wrap the Int32 cell to -2^31: a semaphore that never grants.
    ['SharedSemaphore permits past 2^31 - 1', () => new SharedSemaphore({ permits: 2 ** 31 })],
    ['SharedSemaphore release count', () => new SharedSemaphore().release(0)],
    ['SharedSemaphore bounded', () => new SharedSemaphore({ bounded: 'yes' as never })],
    ['SharedBarrier parties', () => new SharedBarrier({ parties: 70_000 })],
    ['watchdog threshold', () => new LockWatchdog({ thresholdMs: -5 })],
  ])('rejects a bad %s', (_label, build) => {
    expect(build).toThrow(invalid);
  });

  it('accepts the largest timeout, 2^31 - 1 ms, and Infinity', async () => {
    const mutex = new Mutex();
    (await mutex.acquire({ timeout: 2 ** 31 - 1 })).unlock();
    (await mutex.acquire({ timeout: Infinity })).unlock();
    expect(mutex.stats).toMatchObject({ acquisitions: 2, timeouts: 0 });
  });

  it('takes a name of up to 200 characters, and refuses one of 201', () => {
    expect(new Mutex({ name: 'n'.repeat(200) }).name).toBe('n'.repeat(200));
    expect(() => new Mutex({ name: 'n'.repeat(201) })).toThrow(invalid);
  });

  it('refuses a handle of another kind, or a foreign or truncated buffer', () => {
    const mutex = new SharedMutex();
    expect(() => SharedMutex.from({ ...mutex.handle, kind: 'SharedEvent' } as never)).toThrow(
      invalid,
    );
    expect(() =>
      SharedMutex.from({
        ...mutex.handle,
        buffer: new ArrayBuffer(8),
      } as unknown as SharedMutexHandle),
    ).toThrow(invalid);
    expect(() => SharedMutex.from({ ...mutex.handle, buffer: new SharedArrayBuffer(64) })).toThrow(
      invalid,
    );
    expect(() => SharedMutex.from(null as never)).toThrow(invalid);
  });
});

import { describe, expect, it } from '@jest/globals';
import * as locks from '@concurrency-lab/locks';
import * as queues from '../src/index';
import {
  ERROR_CATALOG,
  isQueueError,
  QUEUE_ERROR_CLASSES,
  QUEUE_ERRORS,
  QueueError,
  type QueueErrorCode,
} from '../src/index';

const CODES = Object.keys(QUEUE_ERRORS) as QueueErrorCode[];

describe('the error registry', () => {
  it('holds the codes the issue names', () => {
    expect(CODES).toEqual(
      expect.arrayContaining([
        'ERR_QUEUE_FULL',
        'ERR_QUEUE_EMPTY',
        'ERR_QUEUE_SHUTDOWN',
        'ERR_QUEUE_TASK_DONE_OVERCALLED',
      ]),
    );
  });

  it('has exactly one class per code', () => {
    expect(Object.keys(QUEUE_ERROR_CLASSES).sort()).toEqual([...CODES].sort());
    const classes = new Set(Object.values(QUEUE_ERROR_CLASSES));
    expect(classes.size).toBe(CODES.length);
  });

  it.each(CODES)('%s builds an error with its code, name and a default message', (code) => {
    const error = new QUEUE_ERROR_CLASSES[code]();
    expect(code).toMatch(/^ERR_[A-Z_]+$/);
    expect(error).toBeInstanceOf(QueueError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(QUEUE_ERRORS[code].name);
    expect(error.name).toMatch(/Error$/);
    expect(error.message.length).toBeGreaterThan(0);
    expect(isQueueError(error)).toBe(true);
    expect(isQueueError(error, code)).toBe(true);
  });

  it('gives every code its own class name', () => {
    const names = new Set(CODES.map((code) => QUEUE_ERRORS[code].name));
    expect(names.size).toBe(CODES.length);
  });

  it('recognises errors by code, so an error that crossed a thread (structured clone) still matches', () => {
    const cloned = structuredClone({ code: 'ERR_QUEUE_FULL', message: 'x' });
    expect(isQueueError(cloned, 'ERR_QUEUE_FULL')).toBe(true);
    expect(isQueueError(cloned, 'ERR_QUEUE_EMPTY')).toBe(false);
    expect(isQueueError({ code: 'ERR_SOMETHING_ELSE' })).toBe(false);
    expect(isQueueError(new Error('plain'))).toBe(false);
    expect(isQueueError(null)).toBe(false);
  });

  it('ERROR_CATALOG lists every code once, namespaced ERR_QUEUE_*, with the class exported under its className', () => {
    expect(ERROR_CATALOG.map((entry) => entry.code)).toEqual(CODES);
    for (const { code, className, meaning } of ERROR_CATALOG) {
      expect(code).toMatch(/^ERR_QUEUE_[A-Z_]+$/);
      expect(meaning.length).toBeGreaterThan(0);
      const exported = (queues as Record<string, unknown>)[className];
      expect(exported).toBe(QUEUE_ERROR_CLASSES[code as QueueErrorCode]);
      const error = new (exported as new () => QueueError)();
      expect([error.code, error.name]).toEqual([code, className]);
      expect((exported as { code?: unknown }).code).toBe(code);
    }
  });
});

describe('codes unique across libraries', () => {
  it('tells a queue error from a lock error of the same kind, both ways (negative control)', () => {
    const lockError = new locks.InvalidArgumentError();
    const queueError = new queues.InvalidArgumentError();
    expect(isQueueError(queueError)).toBe(true);
    expect(locks.isLockError(lockError)).toBe(true);
    expect(isQueueError(lockError)).toBe(false);
    expect(locks.isLockError(queueError)).toBe(false);
    expect(queueError.code).not.toBe(lockError.code);
  });

  it('shares no code with the locks it builds on', () => {
    const lockCodes = new Set<string>(locks.ERROR_CATALOG.map((entry) => entry.code));
    expect(ERROR_CATALOG.filter((entry) => lockCodes.has(entry.code))).toEqual([]);
  });
});

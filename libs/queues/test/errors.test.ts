import { describe, expect, it } from '@jest/globals';
import * as locks from '@concurrency-lab/locks';
import * as queues from '../src/index';
import { describeErrorCatalog } from '@concurrency-lab/errors/testing';
import { ERROR_NAMESPACE } from '../src/errors';
import {
  ERROR_CATALOG,
  isQueueError,
  QUEUE_ERROR_CLASSES,
  QueueError,
  type QueueErrorCode,
} from '../src/index';

const CODES = Object.keys(QUEUE_ERROR_CLASSES) as QueueErrorCode[];

describeErrorCatalog('@concurrency-lab/queues', {
  namespace: ERROR_NAMESPACE,
  catalog: ERROR_CATALOG,
  exports: queues,
  base: QueueError,
  classes: Object.values(QUEUE_ERROR_CLASSES),
});

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

  it.each(CODES)('isQueueError recognises a %s, by its code', (code) => {
    const error = new QUEUE_ERROR_CLASSES[code]();
    expect(isQueueError(error)).toBe(true);
    expect(isQueueError(error, code)).toBe(true);
  });

  it('negative control: refuses an Error with another code, a plain Error and null', () => {
    // Real Errors, so that only the code can refuse them.
    const withCode = (code: string) => Object.assign(new Error('x'), { code });
    expect(isQueueError(withCode('ERR_QUEUE_FULL'), 'ERR_QUEUE_FULL')).toBe(true);
    expect(isQueueError(withCode('ERR_QUEUE_FULL'), 'ERR_QUEUE_EMPTY')).toBe(false);
    expect(isQueueError(withCode('ERR_SOMETHING_ELSE'))).toBe(false);
    expect(isQueueError(new Error('plain'))).toBe(false);
    expect(isQueueError(null)).toBe(false);
  });

  it('ERROR_CATALOG lists the registry, one class per code', () => {
    expect(ERROR_CATALOG.map((entry) => entry.code)).toEqual(CODES);
    expect(new Set(Object.values(QUEUE_ERROR_CLASSES)).size).toBe(CODES.length);
  });
});

describe('isQueueError (hasCodeOf of @concurrency-lab/errors, tested there across realms and threads)', () => {
  it('refuses a plain object carrying a queue code: it is not an Error', () => {
    expect(isQueueError({ code: 'ERR_QUEUE_FULL', message: 'x' })).toBe(false);
    expect(isQueueError({ code: 'ERR_QUEUE_FULL' }, 'ERR_QUEUE_FULL')).toBe(false);
    // What a `{ code, message }` posted to another thread arrives as.
    expect(isQueueError(structuredClone({ code: 'ERR_QUEUE_FULL', message: 'x' }))).toBe(false);
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

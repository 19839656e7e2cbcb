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
  // The real lock classes are checked below, under 'codes unique across libraries'.
  guard: {
    is: isQueueError,
    foreignCodes: ['ERR_SOMETHING_ELSE', 'ERR_LOCK_INVALID_ARGUMENT', 'ERR_INVALID_ARGUMENT'],
  },
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

  it('ERROR_CATALOG lists the registry, one class per code', () => {
    expect(ERROR_CATALOG.map((entry) => entry.code)).toEqual(CODES);
    expect(new Set(Object.values(QUEUE_ERROR_CLASSES)).size).toBe(CODES.length);
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

import {
  BarrierBrokenError,
  DeadlockError,
  InvalidArgumentError,
  LOCK_ERRORS,
  LockError,
  LockTimeoutError,
  MainThreadWaitError,
  NotOwnerError,
  OverReleaseError,
  OwnerRequiredError,
  TooManyWaitersError,
  type LockErrorClass,
} from '../src/index';

// One way to build each registered class; the completeness test below fails when a class is
// added to the registry without an entry here.
const EXAMPLES = new Map<LockErrorClass, () => LockError>([
  [LockTimeoutError, () => new LockTimeoutError('A', 5)],
  [DeadlockError, () => new DeadlockError([{ owner: 't1', lock: 'A', heldBy: 't1' }])],
  [NotOwnerError, () => new NotOwnerError('not yours')],
  [OverReleaseError, () => new OverReleaseError('S', 2)],
  [BarrierBrokenError, () => new BarrierBrokenError('broken')],
  [OwnerRequiredError, () => new OwnerRequiredError('who?')],
  [MainThreadWaitError, () => new MainThreadWaitError('no blocking here')],
  [TooManyWaitersError, () => new TooManyWaitersError('full')],
  [InvalidArgumentError, () => new InvalidArgumentError('bad')],
]);

function example(errorClass: LockErrorClass): LockError {
  const build = EXAMPLES.get(errorClass);
  if (!build) throw new Error(`no example for ${errorClass.name}`);
  return build();
}

describe('LOCK_ERRORS', () => {
  it('has an example for every registered class and no others', () => {
    expect(new Set(LOCK_ERRORS)).toEqual(new Set(EXAMPLES.keys()));
  });

  it('has unique codes and names', () => {
    const codes = LOCK_ERRORS.map((errorClass) => errorClass.code);
    const names = LOCK_ERRORS.map((errorClass) => errorClass.name);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it('holds the codes the issue names', () => {
    expect(LOCK_ERRORS.map((errorClass) => errorClass.code)).toEqual(
      expect.arrayContaining([
        'ERR_LOCK_TIMEOUT',
        'ERR_DEADLOCK',
        'ERR_NOT_OWNER',
        'ERR_BARRIER_BROKEN',
        'ERR_OVER_RELEASE',
      ]),
    );
  });

  describe.each(LOCK_ERRORS.map((errorClass) => [errorClass.name, errorClass] as const))(
    '%s',
    (className, errorClass) => {
      it('has a stable ERR_* code on the class', () => {
        expect(errorClass.code).toMatch(/^ERR_[A-Z_]+$/);
      });

      it('creates Errors that carry the class name and code', () => {
        const error = example(errorClass);
        expect(error).toBeInstanceOf(Error);
        expect(error).toBeInstanceOf(LockError);
        expect(error).toBeInstanceOf(errorClass as unknown as typeof LockError);
        expect(error.name).toBe(className);
        expect(error.code).toBe(errorClass.code);
        expect(typeof error.stack).toBe('string');
      });
    },
  );

  it('keeps a cause when given one', () => {
    const cause = new Error('root');
    expect(new NotOwnerError('wrapped', { cause }).cause).toBe(cause);
  });

  it('exposes structured fields instead of asking callers to parse messages', () => {
    expect(new LockTimeoutError('A', 5)).toMatchObject({ lock: 'A', timeoutMs: 5 });
    expect(new OverReleaseError('S', 2)).toMatchObject({ lock: 'S', bound: 2 });
    const deadlock = new DeadlockError([
      { owner: 't1', lock: 'B', heldBy: 't2' },
      { owner: 't2', lock: 'A', heldBy: 't1' },
    ]);
    expect(deadlock.locks).toEqual(['B', 'A']);
  });
});

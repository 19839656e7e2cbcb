import {
  CallbackError,
  CancelledError,
  DataCloneError,
  ERROR_CATALOG,
  EXECUTOR_ERRORS,
  ExecutorError,
  InvalidArgumentError,
  InvalidStateError,
  QueueFullError,
  ShutdownError,
  TaskNotFoundError,
  TimeoutError,
  WorkerCrashedError,
  type ExecutorErrorClass,
} from '../src/index';

// One way to build each registered class; the completeness test fails when a class is added
// to the registry without an entry here.
const EXAMPLES = new Map<ExecutorErrorClass, () => ExecutorError & { code: string }>([
  [TimeoutError, () => new TimeoutError('result()', 5)],
  [CancelledError, () => new CancelledError()],
  [ShutdownError, () => new ShutdownError()],
  [QueueFullError, () => new QueueFullError(3)],
  [WorkerCrashedError, () => new WorkerCrashedError({ kind: 'process', exitCode: 7 })],
  [DataCloneError, () => new DataCloneError('x could not be cloned')],
  [TaskNotFoundError, () => new TaskNotFoundError('no `nope`')],
  [InvalidStateError, () => new InvalidStateError('done')],
  [CallbackError, () => new CallbackError('threw')],
  [InvalidArgumentError, () => new InvalidArgumentError('bad')],
]);

describe('EXECUTOR_ERRORS and ERROR_CATALOG', () => {
  it('has an example for every registered class and no others', () => {
    expect(new Set(EXECUTOR_ERRORS)).toEqual(new Set(EXAMPLES.keys()));
  });

  it('lists every class in the catalog once, with unique ERR_EXECUTOR_ codes', () => {
    const codes = ERROR_CATALOG.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((code) => code.startsWith('ERR_EXECUTOR_'))).toBe(true);
    expect(ERROR_CATALOG.map((entry) => [entry.code, entry.className])).toEqual(
      EXECUTOR_ERRORS.map((errorClass) => [errorClass.code, errorClass.name]),
    );
  });

  it.each([...EXAMPLES])(
    '%p carries its class code, name and a default message',
    (errorClass, build) => {
      const error = build();
      expect(error).toBeInstanceOf(ExecutorError);
      expect(error.code).toBe(errorClass.code);
      expect(error.name).toBe(errorClass.name);
      expect(error.message.length).toBeGreaterThan(0);
    },
  );

  it('says how a crashed worker died', () => {
    expect(new WorkerCrashedError({ kind: 'process', signal: 'SIGKILL' })).toMatchObject({
      signal: 'SIGKILL',
      exitCode: undefined,
    });
  });
});

import { join } from 'node:path';
import { BrokenExecutorError, ExecutorError, type Executor } from '../../src/index';
import { createExecutor, rejection, type ExecutorKind } from './executors';

const ERROR_TASKS = join(__dirname, '../fixtures/error-tasks.js');

/** The stack a rebuilt error carries is the worker's: it names the fixture's file. */
const fromTheWorker = expect.stringContaining('error-tasks.js');

/**
 * What a task's error is on the caller's side, beyond what structured clone keeps: a
 * DOMException comes back as one (the web-platform idiom `instanceof DOMException && name ===
 * 'AbortError'` holds), a subclass of a built-in error as that built-in, keeping its own name.
 * Thread executors run this in `test/`, process executors in `e2e/`.
 */
export function describeErrorFidelity(kind: ExecutorKind): void {
  describe(`${kind} executor: a task's error keeps its kind`, () => {
    let executor: Executor;
    beforeAll(() => {
      executor = createExecutor(kind, { filename: ERROR_TASKS, maxWorkers: 1 });
    });
    afterAll(() => executor.shutdown());
    const failure = (name: string, argument: unknown = null) =>
      rejection(executor.submit(argument, { name }).result());

    it('a thrown DOMException comes back as one, its name, message and code kept', async () => {
      const error = await failure('domException', { name: 'AbortError', message: 'stop' });
      expect(error instanceof DOMException && error.name === 'AbortError').toBe(true);
      expect(error).toMatchObject({ message: 'stop', code: DOMException.ABORT_ERR });
      expect(error.stack).toEqual(fromTheWorker);
      expect(error).not.toBeInstanceOf(ExecutorError);
    });

    it("AbortSignal.timeout()'s reason comes back as a DOMException TimeoutError", async () => {
      const error = await failure('timedOut');
      expect(error).toBeInstanceOf(DOMException);
      expect(error).toMatchObject({ name: 'TimeoutError', code: DOMException.TIMEOUT_ERR });
    });

    it("a task's own DataCloneError is a DOMException, not the executor's", async () => {
      const error = await failure('cloneFunction');
      expect(error).toBeInstanceOf(DOMException);
      expect(error).toMatchObject({ name: 'DataCloneError', code: DOMException.DATA_CLONE_ERR });
      expect(error).not.toBeInstanceOf(ExecutorError);
    });

    it("a DOMException's cause comes back rebuilt and non-enumerable", async () => {
      const error = await failure('domException', {
        name: 'NotFoundError',
        message: 'gone',
        cause: 'why',
      });
      expect(error).toBeInstanceOf(DOMException);
      expect(error).toMatchObject({ name: 'NotFoundError', message: 'gone' });
      expect(error.cause).toBeInstanceOf(Error);
      expect(error.cause).toMatchObject({ message: 'why', code: 'E_WHY' });
      expect(Object.getOwnPropertyDescriptor(error, 'cause')).toMatchObject({ enumerable: false });
    });

    it("DOMExceptions as a cause and in an AggregateError's errors stay so", async () => {
      const error = (await failure('nestedAbort')) as AggregateError;
      expect(error).toBeInstanceOf(AggregateError);
      expect(error.cause).toBeInstanceOf(DOMException);
      expect(error.cause).toMatchObject({ name: 'AbortError', message: 'gave up' });
      expect(error.errors).toEqual([expect.any(DOMException)]);
      expect(error.errors[0]).toMatchObject({ name: 'TimeoutError', message: 'too slow' });
    });

    it('negative control: an Error merely named AbortError stays an Error', async () => {
      const error = await failure('abortLookalike');
      expect(error).not.toBeInstanceOf(DOMException);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ name: 'AbortError', message: 'just an Error' });
    });

    it.each([
      ['TypeError', 'ParseError'],
      ['RangeError', 'OutOfBoundsError'],
      ['SyntaxError', 'GrammarError'],
      ['ReferenceError', 'UnboundError'],
      ['EvalError', 'SandboxError'],
      ['URIError', 'LinkError'],
    ])('a subclass of %s comes back as one, keeping its name (%s)', async (base, name) => {
      const error = await failure('subclassed', { base, name, message: 'bad' });
      expect(error).toBeInstanceOf(globalThis[base as 'TypeError']);
      expect(error).toMatchObject({ name, message: 'bad', code: 'E_SUB', detail: 'kept' });
      expect(error.stack).toEqual(fromTheWorker);
    });

    it('a subclass two levels down comes back as its nearest built-in base', async () => {
      const error = await failure('subclassed', {
        base: 'RangeError',
        name: 'TooDeep',
        message: 'deep',
        deep: true,
      });
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({ name: 'TooDeep', message: 'deep', code: 'E_SUB' });
    });

    it('a subclass of AggregateError comes back as one, with its errors', async () => {
      const error = (await failure('subclassed', {
        base: 'AggregateError',
        name: 'BatchError',
        message: 'batch',
      })) as AggregateError;
      expect(error).toBeInstanceOf(AggregateError);
      expect(error).toMatchObject({ name: 'BatchError', message: 'batch', code: 'E_SUB' });
      expect(error.errors).toEqual([expect.any(RangeError), 'second']);
      expect(Object.getOwnPropertyDescriptor(error, 'errors')).toMatchObject({ enumerable: false });
    });

    it('negative control: a subclass of Error stays a plain Error, keeping its name', async () => {
      const error = await failure('subclassed', { base: 'Error', name: 'AppError', message: 'x' });
      expect(error).toMatchObject({ name: 'AppError', message: 'x', code: 'E_SUB' });
      expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
    });

    it("subclasses as a cause and among an AggregateError's errors keep their base", async () => {
      const error = (await failure('nestedSubclass')) as AggregateError;
      expect(error.cause).toBeInstanceOf(SyntaxError);
      expect(error.cause).toMatchObject({ name: 'ParseError', code: 'E_PARSE' });
      expect(error.errors).toEqual([expect.any(URIError)]);
      expect(error.errors[0]).toMatchObject({ name: 'BadLink', message: 'no scheme' });
    });

    it("an initializer's DOMException comes back as the broken executor's cause", async () => {
      await using broken = createExecutor(kind, {
        filename: ERROR_TASKS,
        maxWorkers: 1,
        initializer: 'abortedSetup',
      });
      const error = await rejection(broken.submit(null, { name: 'timedOut' }).result());
      expect(error).toBeInstanceOf(BrokenExecutorError);
      expect(error.cause).toBeInstanceOf(DOMException);
      expect(error.cause).toMatchObject({ name: 'AbortError', message: 'setup aborted' });
    });
  });
}

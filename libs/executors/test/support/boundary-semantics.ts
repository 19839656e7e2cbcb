import { DataCloneError, ExecutorError, TaskNotFoundError, type Future } from '../../src/index';
import { createExecutor, rejection, type ExecutorKind } from './executors';

/**
 * What crosses the boundary to a worker and back, on one executor kind: the same three tasks,
 * with the one difference the kinds have — a thread takes a `transferList` buffer (the caller's
 * view is detached), a process copies it through its pipe (the caller keeps it).
 */
export function describeBoundary(kind: ExecutorKind): void {
  describe(`${kind} executor: what crosses the boundary`, () => {
    const moves = kind === 'thread';

    it(
      moves
        ? 'moves a transferList buffer to the worker: the caller keeps a detached view'
        : 'copies the argument: a transferList is accepted and the caller keeps its buffer',
      async () => {
        await using executor = createExecutor(kind);
        const bytes = new Uint8Array(4096);
        const seen = executor.submit<number>(bytes, {
          name: 'byteLength',
          transferList: [bytes.buffer],
        });
        expect(bytes.byteLength).toBe(moves ? 0 : 4096);
        expect(await seen.result()).toBe(4096);
      },
    );

    it('negative control: without a transferList the caller keeps its buffer (a copy went)', async () => {
      await using executor = createExecutor(kind);
      const bytes = new Uint8Array(4096);
      expect(await executor.submit<number>(bytes, { name: 'byteLength' }).result()).toBe(4096);
      expect(bytes.byteLength).toBe(4096);
    });

    it("the library's own errors raised across the boundary come back as its classes", async () => {
      await using executor = createExecutor(kind);
      const notFound = await rejection(executor.submit(1, { name: 'nope' }).result());
      expect(notFound).toBeInstanceOf(TaskNotFoundError);
      expect(notFound).toBeInstanceOf(ExecutorError);
      expect(notFound).toMatchObject({
        name: 'TaskNotFoundError',
        code: 'ERR_EXECUTOR_TASK_NOT_FOUND',
      });
      // A result that cannot be copied back: a function.
      const clone = await rejection(executor.submit(null, { name: 'unclonable' }).result());
      expect(clone).toBeInstanceOf(DataCloneError);
      expect(clone).toBeInstanceOf(ExecutorError);
      expect(clone).toMatchObject({ code: 'ERR_EXECUTOR_DATA_CLONE' });
    });

    it("negative control: a task's own error is not the library's", async () => {
      await using executor = createExecutor(kind);
      const error = await rejection(
        executor
          .submit({ name: 'Error', message: 'mine', code: 'E_MINE' }, { name: 'fail' })
          .result(),
      );
      expect(error).not.toBeInstanceOf(ExecutorError);
      expect(error).toMatchObject({ code: 'E_MINE', message: 'mine' });
    });

    it("a task's error comes back with its cause, coded and non-enumerable", async () => {
      await using executor = createExecutor(kind, { maxWorkers: 1 });
      const error = await rejection(executor.submit('chain', { name: 'caused' }).result());
      expect(error).toMatchObject({
        message: 'outer',
        cause: { message: 'inner', code: 'ERR_FIXTURE_INNER' },
      });
      expect(error.cause).toBeInstanceOf(Error);
      expect(Object.getOwnPropertyDescriptor(error, 'cause')).toMatchObject({ enumerable: false });
      // An error that is its own cause crosses too, its cycle cut, and the worker stays usable.
      const cyclic = await rejection(executor.submit('cycle', { name: 'caused' }).result());
      expect(cyclic).toMatchObject({ message: 'its own cause' });
      expect(cyclic.cause).toBeUndefined();
      expect(await executor.submit<number>(21, { name: 'double' }).result()).toBe(42);
    });

    it('an AggregateError comes back as one, with its errors', async () => {
      await using executor = createExecutor(kind, { maxWorkers: 1 });
      const error = await rejection(executor.submit(null, { name: 'aggregate' }).result());
      expect(error).toBeInstanceOf(AggregateError);
      const { errors } = error as AggregateError;
      expect(errors).toEqual([expect.any(RangeError), 7]);
      expect(errors[0]).toMatchObject({ message: 'a', code: 'ERR_FIXTURE_A' });
      expect(Object.getOwnPropertyDescriptor(error, 'errors')).toMatchObject({ enumerable: false });
    });

    it("a task's own messages on its worker's channel are ignored, never taken for its answer", async () => {
      await using executor = createExecutor(kind, { maxWorkers: 1 });
      const futures: Future<unknown>[] = [
        executor.submit(1, { name: 'chatty' }),
        executor.submit(21, { name: 'double' }),
        executor.submit(2, { name: 'chatty' }),
      ];
      expect(await Promise.all(futures.map((future) => future.result()))).toEqual([100, 42, 200]);
      expect(executor.stats).toMatchObject({ completed: 3, failed: 0, running: 0, idle: 1 });
    });

    it('returns a buffer whole and as the same type (structured clone, not JSON)', async () => {
      await using executor = createExecutor(kind);
      const bytes = await executor.submit<Uint8Array>(1024, { name: 'filled' }).result();
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect([bytes.byteLength, bytes[0], bytes[1023]]).toEqual([1024, 7, 7]);
    });
  });
}

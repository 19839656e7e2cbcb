import { createExecutor, type ExecutorKind } from './executors';

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

    it('returns a buffer whole and as the same type (structured clone, not JSON)', async () => {
      await using executor = createExecutor(kind);
      const bytes = await executor.submit<Uint8Array>(1024, { name: 'filled' }).result();
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect([bytes.byteLength, bytes[0], bytes[1023]]).toEqual([1024, 7, 7]);
    });
  });
}

import { COPY_PENALTY, sharedMemory } from '../src/demos/shared-memory';
import { Peer } from '../src/peer';
import type { BufferMessage } from '../src/workers/buffer-echo';
import { around } from '../test/support/around';
import { trackPeers } from '../test/support/peers';
import { expectNotShown, overlong, runDemo } from '../test/support/run-demo';

afterEach(() => jest.restoreAllMocks());

describe('shared-memory', () => {
  it('moves, shares and copies buffers to a thread, and cannot share one with a process', async () => {
    // The largest first: the lesson is judged at the largest size, not at the last one given.
    const peers = trackPeers();
    const run = await runDemo(sharedMemory, { sizes: [2 ** 22, 1024], reps: 3 });
    // The echo thread, which never ends on its own, was closed before run resolved.
    expect([peers.started(), peers.running()]).toEqual([1, 0]);
    const f = run.figures;
    expect(f.bySize.map((r) => [r.bytes, r.way])).toEqual([
      [2 ** 22, 'copy'],
      [2 ** 22, 'transfer'],
      [2 ** 22, 'shared'],
      [1024, 'copy'],
      [1024, 'transfer'],
      [1024, 'shared'],
    ]);
    const ms = (way: string) => f.bySize.find((r) => r.bytes === 2 ** 22 && r.way === way)?.ms;
    expect(f.largestBytes).toBe(2 ** 22);
    expect([f.copyOverTransferAtLargest, f.copyOverSharedAtLargest]).toEqual([
      (ms('copy') ?? NaN) / (ms('transfer') ?? NaN),
      (ms('copy') ?? NaN) / (ms('shared') ?? NaN),
    ]);
    // The sender's buffer detached on transfer; the thread's writes to shared memory seen here.
    expect([f.checks.transferDetached, f.checks.sharedVisible]).toEqual([true, true]);
    expect(f.sharedArrayBufferToProcess).toBe('ERR_EXECUTOR_DATA_CLONE');
    expect(run.result.verdict.holds).toBe(
      f.copyOverTransferAtLargest >= COPY_PENALTY && f.copyOverSharedAtLargest >= COPY_PENALTY,
    );
    expect(overlong(run, 'shared-memory')).toEqual([]);
  });
});

describe('the shared-memory verdict', () => {
  /** Every message to the thread as `edit` makes it: what a wrong way of sending would send. */
  const editSent = (edit: (message: BufferMessage) => BufferMessage, transfer: boolean) => {
    around(Peer.prototype, 'send', (send, message, list) =>
      send(edit(message as BufferMessage), transfer ? list : undefined),
    );
  };

  it.each<[string, string, () => void]>([
    // Sent without its transfer list, the buffer is copied: the sender keeps it.
    ['a transfer that copies', 'transferDetached', () => editSent((m) => m, false)],
    // The thread writes to a buffer of its own: nothing shows here.
    [
      'a shared buffer the thread does not share',
      'sharedVisible',
      () =>
        editSent(
          (m) =>
            m.way === 'shared'
              ? { way: 'shared', shared: new SharedArrayBuffer(m.shared.byteLength) }
              : m,
          true,
        ),
    ],
  ])('does not hold with %s: %s not shown', async (_, check, fault) => {
    fault();
    expectNotShown(await runDemo(sharedMemory, { sizes: [1024], reps: 2 }), check);
  });
});

import { ProcessPoolExecutor } from '@concurrency-lab/executors';
import { defineDemo } from '../demo';
import { integer, integers } from '../knobs';
import { verdictOf } from '../verdict';
import { entryPath } from '../entry-path';
import { bytes, fixed, times } from '../format';
import { median } from '@concurrency-lab/report-kit';
import { Peer, allSay } from '../peer';
import type { BufferMessage } from '../workers/buffer-echo';

type Way = 'copy' | 'transfer' | 'shared';
const WAYS: readonly Way[] = ['copy', 'transfer', 'shared'];

/** How much slower a copy must be than a transfer and than shared memory at the largest size. */
export const COPY_PENALTY = 10;

/** One buffer, handed to the thread and back `reps` times per way; ms per round trip. */
async function measureSize(thread: Peer, size: number, reps: number) {
  let data = new Uint8Array(size);
  const copyData = new Uint8Array(size);
  const shared = new SharedArrayBuffer(size);
  const ms: Record<Way, number[]> = { copy: [], transfer: [], shared: [] };
  let transferDetached = true;
  for (let rep = 0; rep < reps; rep++) {
    for (const way of rep % 2 === 0 ? WAYS : [...WAYS].reverse()) {
      const start = performance.now();
      if (way === 'shared') {
        thread.send({ way, shared } satisfies BufferMessage);
        await thread.next();
      } else if (way === 'transfer') {
        thread.send({ way, data } satisfies BufferMessage, [data.buffer]);
        transferDetached &&= data.byteLength === 0; // the sender's view is gone
        data = (await thread.next<{ data: Uint8Array<ArrayBuffer> }>()).data;
      } else {
        thread.send({ way, data: copyData } satisfies BufferMessage);
        await thread.next();
      }
      ms[way].push(performance.now() - start);
    }
  }
  return {
    medians: { copy: median(ms.copy), transfer: median(ms.transfer), shared: median(ms.shared) },
    transferDetached,
    // Every shared round trip's write by the thread is visible here, with no message carrying it.
    sharedVisible: new Uint8Array(shared)[0] === reps % 256,
  };
}

/** What happens when a SharedArrayBuffer is sent to a process pool: the error's code. */
async function sharedToProcess(): Promise<string> {
  await using pool = new ProcessPoolExecutor({ filename: entryPath('cpu-tasks'), maxWorkers: 1 });
  try {
    await pool.submit(new SharedArrayBuffer(16), { name: 'fib' }).result();
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

export const sharedMemory = defineDemo({
  name: 'shared-memory',
  mirrors: 'multiprocessing.shared_memory: sharing instead of copying',
  describe:
    'A buffer handed to a worker thread and back, from 1 KiB to 64 MiB: copied (structured clone), transferred (moved, the sender loses it), or shared (SharedArrayBuffer). And why a SharedArrayBuffer cannot reach another process.',
  knobs: {
    // Three buffers of each size live at once (sent, copied, shared), and the copies in flight:
    // 128 MiB at most (630 MB resident here).
    sizes: integers('Buffer sizes in bytes (1 KiB to 64 MiB by default).', {
      default: [2 ** 10, 2 ** 16, 2 ** 20, 2 ** 24, 2 ** 26],
      min: 1,
      max: 2 ** 27,
      length: [1, 8],
    }),
    // Each rep copies every size both ways: 50 reps of 128 MiB took 24 s here.
    reps: integer('Round trips per size and way; the median counts.', {
      default: 5,
      min: 1,
      max: 50,
    }),
  },
  async run({ sizes, reps }) {
    const bySize = [];
    let transferDetached = true;
    let sharedVisible = true;
    {
      await using thread = Peer.thread('buffer-echo');
      await allSay([thread], 'ready');
      for (const size of sizes) {
        const result = await measureSize(thread, size, reps);
        transferDetached &&= result.transferDetached;
        sharedVisible &&= result.sharedVisible;
        bySize.push({ bytes: size, ...result.medians });
      }
    }
    const processOutcome = await sharedToProcess();
    const { largest, copyOverTransfer, copyOverShared, checks, verdict } = judge(bySize, {
      transferDetached,
      sharedVisible,
      processOutcome,
    });
    return {
      figures: {
        sizes,
        reps,
        // One row per size and way, for the chart.
        bySize: bySize.flatMap((row) =>
          WAYS.map((way) => ({ bytes: row.bytes, way, ms: row[way] })),
        ),
        largestBytes: largest.bytes,
        copyOverTransferAtLargest: copyOverTransfer,
        copyOverSharedAtLargest: copyOverShared,
        sharedArrayBufferToProcess: processOutcome,
        checks,
      },
      table: {
        header: ['size', 'copy ms', 'transfer ms', 'shared ms', 'copy ÷ transfer'],
        align: ['right', 'right', 'right', 'right', 'right'],
        rows: bySize.map((r) => [
          bytes(r.bytes),
          fixed(r.copy, 2),
          fixed(r.transfer, 2),
          fixed(r.shared, 2),
          times(r.copy / r.transfer),
        ]),
      },
      notes: [
        `Medians of ${reps} round trips per size (to the thread and back). A copy costs by the byte; a transfer detaches the sender's buffer${transferDetached ? ' (it did: byteLength 0)' : ''}; shared memory sends nothing but a handle, and the thread's writes were ${sharedVisible ? '' : 'NOT '}visible here at once.`,
        `A SharedArrayBuffer sent to a process pool: ${processOutcome}. Processes have separate memory and the IPC channel carries bytes; Node has no cross-process shared memory. Instead: copy (see pipe), or keep the state in one process and ask it (see manager), or share a file.`,
      ],
      verdict,
    };
  },
});

/** One size's median round trip (ms) each way. */
export type SizeMedians = { readonly bytes: number } & Readonly<Record<Way, number>>;

/**
 * The shared-memory lesson's checks and verdict from each size's medians and what the thread
 * and the process pool showed, with the ratios it read at the largest size: exported for its
 * unit test, which hands it made-up medians.
 */
export function judge(
  bySize: readonly SizeMedians[],
  seen: { transferDetached: boolean; sharedVisible: boolean; processOutcome: string },
) {
  // The largest size, wherever the list puts it: where a copy's cost by the byte shows most.
  const largest = bySize.reduce<SizeMedians>((a, b) => (b.bytes > a.bytes ? b : a), {
    bytes: 0,
    copy: NaN,
    transfer: NaN,
    shared: NaN,
  });
  const copyOverTransfer = largest.copy / largest.transfer;
  const copyOverShared = largest.copy / largest.shared;
  const checks = {
    // Both: a copy must cost more than each way that does not copy.
    copyCostsAtLargest: copyOverTransfer >= COPY_PENALTY && copyOverShared >= COPY_PENALTY,
    transferDetached: seen.transferDetached,
    sharedVisible: seen.sharedVisible,
    processRefusedShared: seen.processOutcome === 'ERR_EXECUTOR_DATA_CLONE',
  };
  return {
    largest,
    copyOverTransfer,
    copyOverShared,
    checks,
    verdict: verdictOf(
      checks,
      `at ${bytes(largest.bytes)} a copy cost ${times(copyOverTransfer)} a transfer`,
    ),
  };
}

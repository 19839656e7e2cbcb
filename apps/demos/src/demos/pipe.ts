import { MessageChannel } from 'node:worker_threads';
import { defineDemo, type Verdict } from '../demo';
import { integer } from '../knobs';
import { fixed, int } from '../format';
import { percentile } from '@concurrency-lab/report-kit';
import { Peer, allSay } from '../peer';
import type { PipeReport } from '../workers/pipe-protocol';
import type { PipeThreadData } from '../workers/pipe-thread';

async function betweenThreads(pings: number, stream: number): Promise<PipeReport> {
  const { port1, port2 } = new MessageChannel();
  const data = (role: PipeThreadData['role'], port: PipeThreadData['port']): PipeThreadData => ({
    role,
    port,
    pings,
    stream,
  });
  await using responder = Peer.thread('pipe-thread', data('respond', port2), [port2]);
  await allSay([responder], 'ready');
  await using initiator = Peer.thread('pipe-thread', data('initiate', port1), [port1]);
  return await initiator.next<PipeReport>(); // awaited: `await using` closes it on return
}

async function betweenProcesses(pings: number, stream: number): Promise<PipeReport> {
  await using responder = Peer.process('pipe-process', ['respond']);
  const { port } = await responder.next<{ port: number }>();
  await using initiator = Peer.process('pipe-process', [
    'initiate',
    String(port),
    String(pings),
    String(stream),
  ]);
  const report = await initiator.next<PipeReport>();
  // Both ends hang up and exit on their own once done.
  await Promise.all([initiator.exitWithin(2000), responder.exitWithin(2000)]);
  return report;
}

export const pipe = defineDemo({
  name: 'pipe',
  mirrors: 'multiprocessing.Pipe: a two-way channel between two workers',
  describe:
    'Two threads talk over a MessageChannel; two sibling processes over a socket one opened and the other connected to (their parent only introduced them). Each does round trips, then a stream checked for loss, duplicates and order.',
  knobs: {
    // One at a time, each a round trip between threads and between processes: seconds at most.
    pings: integer('Round trips, one at a time.', { default: 2000, min: 1, max: 100_000 }),
    // Streamed back to back one way, then as many the other: 1,000,000 are in flight at once.
    stream: integer('Messages streamed back to back.', {
      default: 20_000,
      min: 1,
      max: 1_000_000,
    }),
  },
  async run({ pings, stream }) {
    const runs = [
      { channel: '2 threads, MessageChannel', report: await betweenThreads(pings, stream) },
      { channel: '2 processes, TCP socket', report: await betweenProcesses(pings, stream) },
    ];
    const rate = (r: PipeReport) => (r.received / r.streamMs) * 1000;
    const [threads, processes] = runs.map((r) => r.report) as [PipeReport, PipeReport];
    return {
      figures: {
        pings,
        stream,
        runs: runs.map(({ channel, report: r }) => ({
          channel,
          rttP50Us: percentile(r.rttUs, 50),
          rttP99Us: percentile(r.rttUs, 99),
          messagesPerSecond: rate(r),
          received: r.received,
          receivedBack: r.receivedBack,
          inOrder: r.inOrder && r.pongsInOrder && r.inOrderBack,
        })),
        processRttOverThreadRtt: percentile(processes.rttUs, 50) / percentile(threads.rttUs, 50),
      },
      table: {
        header: ['channel', 'RTT p50 µs', 'p99 µs', 'msgs/s', 'received', 'in order'],
        align: ['left', 'right', 'right', 'right', 'right', 'left'],
        rows: runs.map(({ channel, report: r }) => [
          channel,
          fixed(percentile(r.rttUs, 50), 0),
          fixed(percentile(r.rttUs, 99), 0),
          int(rate(r)),
          // Both ways: the stream there and the stream back.
          `${int(r.received + r.receivedBack)}/${int(2 * stream)}`,
          r.inOrder && r.pongsInOrder && r.inOrderBack ? 'yes' : 'no',
        ]),
      },
      notes: [
        `${int(pings)} round trips one at a time, then ${int(stream)} messages back to back, and as many streamed back.`,
        "Python's Pipe is one object with two ends; in Node a MessageChannel is that between threads (structured clone, in memory), and between processes it is a socket or the IPC channel fork() opens (serialized bytes through the kernel).",
      ],
      verdict: judge({ pings, stream }, runs),
    };
  },
});

/**
 * The pipe lesson's verdict from each channel's report: exported for its unit test, which hands
 * it made-up reports. It holds when every channel carried every round trip and both streams
 * whole and in order; it names the channels that did not.
 */
export function judge(
  o: { readonly pings: number; readonly stream: number },
  runs: readonly { readonly channel: string; readonly report: PipeReport }[],
): Verdict {
  const intact = (r: PipeReport) =>
    r.rttUs.length === o.pings &&
    r.pongsInOrder &&
    r.received === o.stream &&
    r.inOrder &&
    r.receivedBack === o.stream &&
    r.inOrderBack;
  const broken = runs.filter((r) => !intact(r.report)).map((r) => r.channel);
  return broken.length === 0
    ? { holds: true, why: 'both channels carried every message once, in order, both ways' }
    : { holds: false, why: `messages lost or reordered on ${broken.join(', ')}` };
}

import { judge } from '../src/demos/pipe';
import type { PipeReport } from '../src/workers/pipe-protocol';

// The e2e test runs the demo with real threads and processes, whose channels lose nothing;
// test/pipe-protocol.test.ts shows each check of a report catching a loss. Here the verdict
// meets made-up reports with one check failed, on one channel.

const o = { pings: 3, stream: 4 };

/** A channel's report: 3 round trips and 4 messages each way, all in order, unless `change`d. */
const report = (change: Partial<PipeReport> = {}): PipeReport => ({
  pings: 3,
  rttUs: [12, 15, 14],
  pongsInOrder: true,
  streamed: 4,
  received: 4,
  inOrder: true,
  streamMs: 1,
  receivedBack: 4,
  inOrderBack: true,
  ...change,
});

const runs = (threads: Partial<PipeReport> = {}, processes: Partial<PipeReport> = {}) => [
  { channel: '2 threads, MessageChannel', report: report(threads) },
  { channel: '2 processes, TCP socket', report: report(processes) },
];

describe('the pipe verdict', () => {
  it('holds when both channels carried every round trip and message, in order, both ways', () => {
    expect(judge(o, runs())).toEqual({
      holds: true,
      why: 'both channels carried every message once, in order, both ways',
    });
  });

  it('does not hold when a channel is short of a round trip, and names that channel', () => {
    expect(judge(o, runs({}, { rttUs: [12, 15] }))).toEqual({
      holds: false,
      why: 'messages lost or reordered on 2 processes, TCP socket',
    });
    // One round trip too many (a pong answered twice) is as wrong.
    expect(judge(o, runs({ rttUs: [12, 15, 14, 13] })).holds).toBe(false);
  });

  it('does not hold when a channel’s pongs came back out of order', () => {
    expect(judge(o, runs({ pongsInOrder: false }))).toEqual({
      holds: false,
      why: 'messages lost or reordered on 2 threads, MessageChannel',
    });
  });

  it('does not hold when a stream lost, doubled or reordered a message, either way', () => {
    const wrong: Partial<PipeReport>[] = [
      { received: 3 },
      { received: 5 },
      { inOrder: false },
      { receivedBack: 3 },
      { inOrderBack: false },
    ];
    for (const change of wrong)
      expect([change, judge(o, runs(change)).holds]).toEqual([change, false]);
    expect(judge(o, runs({ inOrder: false }, { receivedBack: 0 })).why).toBe(
      'messages lost or reordered on 2 threads, MessageChannel, 2 processes, TCP socket',
    );
  });
});

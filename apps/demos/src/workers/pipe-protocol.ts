/**
 * What both ends of a `pipe` demo channel do, whatever carries the messages (a MessagePort
 * between threads, a socket between processes): ping-pong for the round trip, then a stream
 * of numbered messages the other end checks for loss, duplicates and order.
 */
export type PipeMessage =
  | { kind: 'ping' | 'pong'; seq: number }
  | { kind: 'data'; seq: number; last: boolean }
  | { kind: 'ack'; received: number; inOrder: boolean };

/** One end of a duplex channel. */
export interface Duplex {
  send(message: PipeMessage): void;
  onMessage(listener: (message: PipeMessage) => void): void;
}

export type PipeReport = {
  pings: number;
  /** Round-trip times in µs, in order. */
  rttUs: number[];
  pongsInOrder: boolean;
  streamed: number;
  received: number;
  inOrder: boolean;
  streamMs: number;
};

/** The answering end: echoes pings, checks the stream, acknowledges its last message. */
export function respond(channel: Duplex): void {
  let expected = 0;
  let inOrder = true;
  channel.onMessage((message) => {
    if (message.kind === 'ping') channel.send({ kind: 'pong', seq: message.seq });
    else if (message.kind === 'data') {
      if (message.seq !== expected) inOrder = false;
      expected++;
      if (message.last) channel.send({ kind: 'ack', received: expected, inOrder });
    }
  });
}

/** The asking end: `pings` round trips one at a time, then `stream` messages back to back. */
export function initiate(channel: Duplex, pings: number, stream: number): Promise<PipeReport> {
  return new Promise((resolve) => {
    const rttUs: number[] = [];
    let pongsInOrder = true;
    let sentAt = 0;
    let streamStart = 0;
    const ping = (seq: number) => {
      sentAt = performance.now();
      channel.send({ kind: 'ping', seq });
    };
    channel.onMessage((message) => {
      if (message.kind === 'pong') {
        rttUs.push((performance.now() - sentAt) * 1000);
        if (message.seq !== rttUs.length - 1) pongsInOrder = false;
        if (rttUs.length < pings) ping(rttUs.length);
        else {
          streamStart = performance.now();
          for (let seq = 0; seq < stream; seq++) {
            channel.send({ kind: 'data', seq, last: seq === stream - 1 });
          }
        }
      } else if (message.kind === 'ack') {
        resolve({
          pings,
          rttUs,
          pongsInOrder,
          streamed: stream,
          received: message.received,
          inOrder: message.inOrder,
          streamMs: performance.now() - streamStart,
        });
      }
    });
    ping(0);
  });
}

/**
 * What both ends of a `pipe` demo channel do, whatever carries the messages (a MessagePort
 * between threads, a socket between processes): ping-pong for the round trip, then a stream
 * of numbered messages the other end checks for loss, duplicates and order, and streams back
 * (as many as it received) for the first end to check the same way: both directions tested.
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
  /** The responder's count and order of the initiator's stream. */
  received: number;
  inOrder: boolean;
  streamMs: number;
  /** The initiator's count and order of the stream the responder sent back. */
  receivedBack: number;
  inOrderBack: boolean;
};

/**
 * Sends `count` numbered messages back to back, the last one marked.
 */
function sendStream(channel: Duplex, count: number): void {
  for (let seq = 0; seq < count; seq++)
    channel.send({ kind: 'data', seq, last: seq === count - 1 });
}

/**
 * Counts a stream as it arrives: what came, whether each came in its place, and when the
 * last one did.
 */
function streamCheck(): {
  take(message: { seq: number }): void;
  received: number;
  inOrder: boolean;
} {
  return {
    received: 0,
    inOrder: true,
    take(message) {
      if (message.seq !== this.received) this.inOrder = false;
      this.received++;
    },
  };
}

/**
 * The answering end: echoes pings, checks the stream, acknowledges its last message, then
 * streams as many back.
 */
export function respond(channel: Duplex): void {
  const check = streamCheck();
  channel.onMessage((message) => {
    if (message.kind === 'ping') channel.send({ kind: 'pong', seq: message.seq });
    else if (message.kind === 'data') {
      check.take(message);
      if (message.last) {
        channel.send({ kind: 'ack', received: check.received, inOrder: check.inOrder });
        sendStream(channel, check.received);
      }
    }
  });
}

/**
 * The asking end: `pings` round trips one at a time, then `stream` messages back to back; done
 * once the responder's ack and the last message of its stream back have both come.
 */
export function initiate(channel: Duplex, pings: number, stream: number): Promise<PipeReport> {
  return new Promise((resolve) => {
    const rttUs: number[] = [];
    let pongsInOrder = true;
    let sentAt = 0;
    let streamStart = 0;
    let ack: { received: number; inOrder: boolean; streamMs: number } | undefined;
    let backDone = false;
    const back = streamCheck();
    const finish = () => {
      if (!ack || !backDone) return;
      resolve({
        pings,
        rttUs,
        pongsInOrder,
        streamed: stream,
        ...ack,
        receivedBack: back.received,
        inOrderBack: back.inOrder,
      });
    };
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
          sendStream(channel, stream);
        }
      } else if (message.kind === 'ack') {
        const streamMs = performance.now() - streamStart;
        ack = { received: message.received, inOrder: message.inOrder, streamMs };
        finish();
      } else if (message.kind === 'data') {
        back.take(message);
        backDone ||= message.last;
        finish();
      }
    });
    ping(0);
  });
}

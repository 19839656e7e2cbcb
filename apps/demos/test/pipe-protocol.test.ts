import { initiate, respond, type Duplex, type PipeMessage } from '../src/workers/pipe-protocol';

type Direction = 'there' | 'back';

/**
 * Two in-memory ends, each message delivered on a later turn of the loop; `alter` may drop
 * (undefined) or replace what goes one way, to see that the check of that way notices.
 */
function pair(alter: (message: PipeMessage, way: Direction) => PipeMessage | undefined) {
  type Listener = (message: PipeMessage) => void;
  const listeners = { initiator: [] as Listener[], responder: [] as Listener[] };
  const sent = { there: 0, back: 0 };
  const end = (me: keyof typeof listeners, way: Direction): Duplex => ({
    send(message) {
      if (message.kind === 'data') sent[way]++;
      const delivered = alter(message, way);
      const to = listeners[me === 'initiator' ? 'responder' : 'initiator'];
      if (delivered) setImmediate(() => to.forEach((listener) => listener(delivered)));
    },
    onMessage: (listener) => listeners[me].push(listener),
  });
  return { initiator: end('initiator', 'there'), responder: end('responder', 'back'), sent };
}

async function run(alter: (message: PipeMessage, way: Direction) => PipeMessage | undefined) {
  const { initiator, responder, sent } = pair(alter);
  respond(responder);
  return { report: await initiate(initiator, 3, 5), sent };
}

describe('the pipe protocol', () => {
  it('streams both ways: the responder sends back as many as it got, and each end checks', async () => {
    const { report, sent } = await run((m) => m);
    expect(sent).toEqual({ there: 5, back: 5 });
    expect(report).toMatchObject({
      received: 5,
      inOrder: true,
      receivedBack: 5,
      inOrderBack: true,
    });
  });

  it('notices a message lost or out of place on the way back (negative control)', async () => {
    const lost = await run((m, way) =>
      way === 'back' && m.kind === 'data' && m.seq === 1 ? undefined : m,
    );
    expect(lost.report).toMatchObject({ received: 5, receivedBack: 4, inOrderBack: false });
    const swapped = await run((m, way) =>
      way === 'back' && m.kind === 'data' && m.seq < 2 ? { ...m, seq: 1 - m.seq } : m,
    );
    expect(swapped.report).toMatchObject({ received: 5, inOrder: true, inOrderBack: false });
  });
});

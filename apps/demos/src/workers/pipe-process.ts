/**
 * A process end of the `pipe` demo. The responder listens on a local TCP port and tells the
 * parent which; the initiator, a sibling process, connects to it: the two talk directly, as
 * two ends of Python's Pipe do. Messages are newline-delimited JSON.
 */
import { connect, createServer, type Socket } from 'node:net';
import { initiate, respond, type Duplex, type PipeMessage } from './pipe-protocol';

function duplex(socket: Socket): Duplex {
  socket.setNoDelay(true);
  return {
    send: (message) => socket.write(`${JSON.stringify(message)}\n`),
    onMessage: (listener) => {
      let buffered = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          listener(JSON.parse(buffered.slice(0, newline)) as PipeMessage);
          buffered = buffered.slice(newline + 1);
        }
      });
    },
  };
}

const [role, port, pings, stream] = process.argv.slice(2);
if (role === 'respond') {
  const server = createServer((socket) => {
    respond(duplex(socket));
    // One peer, then done: once it hangs up, nothing keeps this process alive.
    socket.on('close', () => server.close(() => process.channel?.unref()));
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as { port: number }).port });
  });
} else {
  const socket = connect(Number(port), '127.0.0.1', () => {
    initiate(duplex(socket), Number(pings), Number(stream)).then(
      (report) => {
        process.send?.(report, () => process.channel?.unref());
        socket.end();
      },
      (error: unknown) => process.send?.({ failed: String(error) }),
    );
  });
}

// If the demo dies (Ctrl-C, a crash), its channel closes: leave with it, never as an orphan.
process.on('disconnect', () => process.exit(1));

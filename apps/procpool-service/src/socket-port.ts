import type { IpcPort } from '@concurrency-lab/cluster-runtime/rpc';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

/** A line longer than this is not our protocol: the connection is cut, nothing is buffered. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * A stream socket as the `send`/`message` port an `RpcEndpoint` speaks over: one JSON message
 * per line. A line that is not JSON, or grows past `maxLineBytes` without ending, destroys the
 * socket — a peer cannot make us buffer without bound.
 */
export function socketPort(socket: Socket, maxLineBytes = MAX_LINE_BYTES): IpcPort {
  const events = new EventEmitter();
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        socket.destroy();
        return;
      }
      events.emit('message', message);
      if (socket.destroyed) return;
    }
    if (Buffer.byteLength(pending) > maxLineBytes) socket.destroy();
  });
  return {
    send: (message) => {
      if (socket.destroyed || !socket.writable) return false;
      return socket.write(`${JSON.stringify(message)}\n`);
    },
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
  };
}

import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * How long a connection refused in the middle of its request stays open, unread, after its
 * answer. Closing it at once, with the client's bytes still arriving, makes the kernel reset
 * it — and a client still writing its upload (fetch/undici, measured) then fails with `EPIPE`
 * instead of reading the answer it already received. Given a moment, a client reads the
 * answer, stops sending and closes by itself.
 */
export const LINGER_MS = 1000;

/**
 * Closes a connection without reading the rest of its request: our side ends (FIN, after what
 * was written), reading stops — a client cannot make the service read and discard gigabytes —
 * and after {@link LINGER_MS} the socket is destroyed, whatever the client still sends.
 */
export function closeLingering(socket: Duplex): void {
  socket.pause();
  if (!socket.writableEnded) socket.end();
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
}

/**
 * For an answer that says `Connection: close` while its request's body is still arriving: Node
 * ends such a connection with `socket.destroySoon()` (end, then destroy as soon as the answer
 * is flushed — the reset above); this socket closes lingering instead.
 */
export function lingerAfterAnswer(socket: Socket): void {
  socket.destroySoon = lingeringDestroySoon;
}

function lingeringDestroySoon(this: Socket): void {
  closeLingering(this);
}

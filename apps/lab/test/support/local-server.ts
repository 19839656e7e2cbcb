import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The base URL of a listening `server` (no trailing slash). */
export const urlOf = (server: Server) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Starts `server` on a free loopback port; its base URL (no trailing slash). */
export async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return urlOf(server);
}

/** Stops `server`, cutting the connections it holds (keep-alive, or a request left unanswered). */
export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

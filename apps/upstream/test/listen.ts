import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on an OS-chosen port on loopback and resolves the base URL, e.g. `http://127.0.0.1:54321`. */
export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Closes the server and waits for it; tolerant of a server that is not listening. */
export async function close(server: http.Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // fetch keeps connections alive; without this close() would wait for them to time out.
    server.closeIdleConnections();
  });
}

import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago, for programs (Prometheus) that cannot report the port
 * they bound when given 0. Another process could take it in between; on this single machine the
 * window is milliseconds, and a clash shows up as a clear "address already in use" at start.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sampler } from '../src/sampler';

describe('the sampler', () => {
  it('reads the RSS of the process tree every second even when /metrics never answers', async () => {
    // A model too busy to answer: every scrape hangs past the sampler's one-second timeout.
    const hung: ServerResponse[] = [];
    const server = createServer((_request, response) => void hung.push(response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const sampler = new Sampler(`http://127.0.0.1:${port}`, process.pid);
    try {
      sampler.start();
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect(sampler.stop()).toEqual([]); // no scrape came back…
      expect(sampler.rssPeakBytes).toBeGreaterThan(10 * 2 ** 20); // …the OS still answered
    } finally {
      sampler.stop();
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

import type { ChildProcess } from 'node:child_process';
import { assertBuilt, killIfRunning, runNode } from './run-dist';

describe('latency timers', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    killIfRunning(child);
    child = undefined;
  });

  // In-process, an orphan timer would not fail anything (server.close() only waits for
  // sockets); it would just keep the process alive. So run a client that aborts during a
  // 60 s latency in its own process, close the server, and require the process to exit by
  // itself - it can only do so well before 60 s if the timer was cleared.
  it('are cleared when the client aborts, so the process exits on its own after close', async () => {
    const index = assertBuilt('index.js');
    const script = `
      const { createUpstreamServer } = require(${JSON.stringify(index)});
      const server = createUpstreamServer({ latencyMs: 60000 });
      server.listen(0, '127.0.0.1', async () => {
        const controller = new AbortController();
        // The server's handler runs first, so the latency timer is armed when this aborts.
        server.once('request', () => controller.abort());
        await fetch('http://127.0.0.1:' + server.address().port + '/page/1', { signal: controller.signal })
          .catch(() => {});
        server.close(() => console.log('closed'));
        server.closeIdleConnections();
      });
    `;
    const run = runNode(['-e', script], {}, 20_000);
    child = run.child;
    expect(await run.firstLine).toBe('closed');
    expect(await run.exited).toMatchObject({ code: 0, signal: null });
  });
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { close, listen } from '@concurrency-lab/launcher/testing';
import { AutocannonDriver } from '../src/drivers/autocannon-driver';

/**
 * One connection of `GET /` through a real autocannon against a real server answering as
 * `handle` does, with a 1 s request timeout (the lab's is 30 s, longer than any run) so that a
 * request left unanswered fails as autocannon's `timeout` inside a short window.
 */
async function failuresAgainst(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  { warmupSeconds, durationSeconds }: { warmupSeconds: number; durationSeconds: number },
) {
  const server = createServer(handle);
  const url = `${await listen(server)}/`;
  try {
    const [stream] = await new AutocannonDriver({ requestTimeoutSeconds: 1 }).run({
      scenarioId: 'test',
      model: 'async',
      baseUrl: url,
      warmupSeconds,
      durationSeconds,
      streams: [{ name: 's', url, method: 'GET', connections: 1, rate: undefined, measure: true }],
    });
    return stream;
  } finally {
    server.closeAllConnections();
    await close(server);
  }
}

describe('the autocannon driver’s failures that are no answer (real autocannon, real servers)', () => {
  it('counts a request left unanswered past the request timeout as `timeout`, not `error`', async () => {
    // The first request goes out at the start and times out at 1 s, inside the window (from
    // 0.1 s); the next one, sent then, is still waiting when the run ends at 1.6 s.
    const stream = await failuresAgainst(() => undefined, {
      warmupSeconds: 0.1,
      durationSeconds: 1.5,
    });
    // One, or two should a loaded machine stretch the run past 2 s: only ever `timeout`.
    expect(Object.keys(stream?.failures ?? {})).toEqual(['timeout']);
    expect(stream?.failures['timeout']).toBeGreaterThanOrEqual(1);
    expect(stream?.failed).toBe(stream?.failures['timeout']);
    expect(stream?.ok).toBe(0);
  }, 15_000);

  it('counts a request whose connection the server resets as `error`', async () => {
    // A reset (RST) is an error on the connection; a plain close (FIN) autocannon reconnects
    // after without a word, so that request is counted sent and neither answered nor failed.
    const stream = await failuresAgainst((req) => req.socket.resetAndDestroy(), {
      warmupSeconds: 0.1,
      durationSeconds: 0.5,
    });
    expect(stream?.failures['error']).toBeGreaterThan(0);
    expect(Object.keys(stream?.failures ?? {})).toEqual(['error']);
    expect(stream?.ok).toBe(0);
  }, 15_000);
});

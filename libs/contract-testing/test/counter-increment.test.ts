import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { close, listen } from '@concurrency-lab/launcher/testing';
import { incrementCounter } from '../src/counter-increment';

describe('incrementCounter', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await close(server);
    server = undefined;
  });

  /** A real server that answers every request with `status` and `body`. */
  const answering = (status: number, body: unknown) => {
    server = createServer((_req, res) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    );
    return listen(server);
  };

  it("gives the service's result on a 200", async () => {
    const base = await answering(200, { result: { expected: 5, actual: 4 } });
    await expect(incrementCounter(base, 5, false)).resolves.toEqual({ expected: 5, actual: 4 });
  });

  it('names the status and the detail of anything else (a 504 past the deadline)', async () => {
    const base = await answering(504, {
      status: 504,
      detail: 'The request did not complete within its deadline of 20000 ms',
    });
    await expect(incrementCounter(base, 1_000_000, true)).rejects.toThrow(
      'POST /counter/increment?times=1000000&safe=true answered 504: The request did not ' +
        'complete within its deadline of 20000 ms',
    );
  });
});

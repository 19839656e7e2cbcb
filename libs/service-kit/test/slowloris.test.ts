import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceFixture, testConfig } from './support/harness';

const SLOW_SOCKETS = 300;

/**
 * Slowloris: `count` connections that send a request line and then one header line every
 * `everyMs`, never finishing. Resolves once all are connected; `stop` closes them.
 */
async function slowloris(port: number, count: number, everyMs: number) {
  const sockets: Socket[] = [];
  const answers: string[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write('GET /healthz HTTP/1.1\r\nHost: slow\r\n');
            resolve();
          });
          socket.on('data', (chunk: Buffer) => answers.push(chunk.toString('latin1')));
          socket.on('error', () => undefined); // a socket the server refused or cut: counted by `closed`
          socket.once('error', reject);
          sockets.push(socket);
        }),
    ),
  );
  let n = 0;
  const timer = setInterval(() => {
    for (const socket of sockets) if (!socket.destroyed) socket.write(`X-Slow-${n}: 1\r\n`);
    n++;
  }, everyMs);
  return {
    answers,
    closed: () => sockets.filter((s) => s.destroyed || s.readyState === 'closed').length,
    stop: () => {
      clearInterval(timer);
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** `count` requests one after another, each given `timeoutMs`: how many were answered 200. */
async function normalRequests(base: string, count: number, timeoutMs: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < count; i++) {
    try {
      const response = await fetch(`${base}/healthz`, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { connection: 'close' },
      });
      await response.text();
      if (response.status === 200) ok++;
    } catch {
      // refused, reset or timed out: not answered, which is what is counted
    }
    await sleep(20);
  }
  return ok;
}

describe('slowloris', () => {
  let naive: Server | undefined;
  let attack: Awaited<ReturnType<typeof slowloris>> | undefined;

  afterEach(async () => {
    attack?.stop();
    attack = undefined;
    naive?.closeAllConnections();
    await new Promise((resolve) => (naive ? naive.close(resolve) : resolve(undefined)));
    naive = undefined;
  });
  // Declared after the hook above, so the service shuts down once the attack's sockets are gone.
  const services = serviceFixture();

  it(`${SLOW_SOCKETS} sockets trickling headers do not keep normal requests from being served`, async () => {
    const started = await services.start();
    attack = await slowloris(started.port, SLOW_SOCKETS, 100);
    expect(await normalRequests(started.base, 20, 5000)).toBe(20);
    expect(attack.closed()).toBe(0); // still attacking the whole time
  });

  it('negative control: the same attack shuts out a server that holds a slot per connection', async () => {
    // A server with a fixed number of connection slots (a thread per connection, or
    // maxConnections) is what slowloris starves: every slot holds a trickling socket.
    naive = createServer((_req, res) => res.end('ok'));
    naive.maxConnections = SLOW_SOCKETS;
    await new Promise<void>((resolve) => naive?.listen(0, '127.0.0.1', resolve));
    const port = (naive.address() as AddressInfo).port;
    attack = await slowloris(port, SLOW_SOCKETS, 100);
    expect(await normalRequests(`http://127.0.0.1:${port}`, 5, 1000)).toBe(0);
  });

  it('cuts the trickling sockets with 408 once HTTP_HEADERS_TIMEOUT_MS passes', async () => {
    const http = { ...testConfig().http, headersTimeoutMs: 500, connectionsCheckIntervalMs: 100 };
    const started = await services.start({ config: { http } });
    attack = await slowloris(started.port, SLOW_SOCKETS, 100);
    for (
      let i = 0;
      i < 200 && (attack.closed() < SLOW_SOCKETS || attack.answers.length < SLOW_SOCKETS);
      i++
    ) {
      await sleep(50);
    }
    expect(attack.closed()).toBe(SLOW_SOCKETS);
    expect(new Set(attack.answers.map((a) => a.split('\r\n')[0]))).toEqual(
      new Set(['HTTP/1.1 408 Request Timeout']),
    );
    expect(await normalRequests(started.base, 3, 5000)).toBe(3);
  });
});

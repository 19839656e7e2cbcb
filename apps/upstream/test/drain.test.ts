import http from 'node:http';
import { createUpstreamServer, drainable } from '../src';
import { close, collected, listen } from '@concurrency-lab/launcher/testing';

/** One keep-alive GET; resolves its `Connection` header and the client socket's 'close'. */
function keepAliveGet(
  url: string,
  agent: http.Agent,
): Promise<{ connection: string | undefined; socketClosed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      const socket = res.socket;
      const socketClosed = new Promise<void>((done) => socket.once('close', () => done()));
      res.resume();
      res.once('end', () => resolve({ connection: res.headers.connection, socketClosed }));
    });
    req.once('error', reject);
  });
}

describe('drainable', () => {
  let server: http.Server;
  let drain: () => void;
  let base: string;
  const agent = new http.Agent({ keepAlive: true });

  beforeEach(async () => {
    server = createUpstreamServer({ latencyMs: 20, jitterMs: 0 });
    drain = drainable(server);
    base = await listen(server);
  });
  afterEach(async () => {
    await close(server);
  });
  afterAll(() => agent.destroy());

  it('lets an answered response go: its set of answers in flight does not keep it', async () => {
    let answered: WeakRef<http.ServerResponse> | undefined;
    server.once('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      answered = new WeakRef(res);
    });
    const res = await fetch(`${base}/healthz`, { headers: { connection: 'close' } });
    await res.text();
    expect(answered).toBeDefined();
    expect(await collected(answered as WeakRef<http.ServerResponse>)).toBe(true);
  });

  it('answers a request in flight at the drain with Connection: close, ending its connection', async () => {
    server.once('request', () => drain());
    const { connection, socketClosed } = await keepAliveGet(`${base}/page/1`, agent);
    expect(connection).toBe('close');
    await socketClosed;
  });

  it('keeps the connection of an answer given before the drain (the control), until the drain closes it as idle', async () => {
    const { connection, socketClosed } = await keepAliveGet(`${base}/page/1`, agent);
    expect(connection).toBe('keep-alive');
    drain();
    // Well short of keepAliveTimeout (5 s), after which the server would close it anyway.
    const late = new Promise<string>((resolve) => setTimeout(resolve, 1000, 'still open').unref());
    expect(await Promise.race([socketClosed.then(() => 'closed'), late])).toBe('closed');
  });
});

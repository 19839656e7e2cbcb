import autocannon from 'autocannon';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AutocannonDriver, requestsSent } from '../src/drivers/autocannon-driver';
import { IntervalWindow } from '../src/drivers/interval-window';

describe('the autocannon driver against a real server', () => {
  let server: Server;
  let received = 0;
  let url = '';

  beforeAll(async () => {
    server = createServer((_req, res) => {
      received++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('counts the requests it really sent at a fixed rate, which autocannon’s own count overstates', async () => {
    received = 0;
    const window = new IntervalWindow();
    const [stream] = await new AutocannonDriver().run({
      scenarioId: 'test',
      model: 'async',
      baseUrl: url,
      durationSeconds: 1,
      window,
      streams: [{ name: 's', url, method: 'GET', connections: 4, rate: 100, measure: true }],
    });
    // Every request the server saw was sent; at most one per connection can be in the air.
    expect(stream?.sent).toBeGreaterThanOrEqual(received);
    expect((stream?.sent ?? 0) - received).toBeLessThanOrEqual(4);
    expect(Math.abs((stream?.ok ?? 0) - received)).toBeLessThanOrEqual(4);
    // The negative control: autocannon's figure starts each connection at its per-second rate.
    expect(requestsSent({ rate: 100, connections: 4 }, (stream?.sent ?? 0) + 96)).toBe(
      stream?.sent,
    );
    // The measured stream's answers went through the window.
    expect(window.take().answers).toBe(stream?.ok);
  });

  it('needs the correction: autocannon’s own count starts each connection at its per-second rate', async () => {
    received = 0;
    const raw = await autocannon({ url, connections: 4, overallRate: 100, duration: 1 });
    // over by the rate less the connections, give or take the requests still in the air at the end
    expect(raw.requests.sent - received).toBeGreaterThanOrEqual(100 - 4 - 4);
    expect(
      requestsSent({ rate: 100, connections: 4 }, raw.requests.sent) - received,
    ).toBeLessThanOrEqual(4);
  });

  it('leaves a closed-loop count alone', () => {
    expect(requestsSent({ rate: undefined, connections: 8 }, 1234)).toBe(1234);
  });
});

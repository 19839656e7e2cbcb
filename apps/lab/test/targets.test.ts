import { createServer, type Server } from 'node:http';
import { connectTargets } from '../src/targets';
import { close, listen } from '@concurrency-lab/launcher/testing';

describe('connectTargets against a real server', () => {
  let server: Server;
  let url = '';
  /** What the server answers on /info, with its content type. */
  let answer: [string, string] = ['application/json', '{}'];

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', answer[0]);
      res.end(answer[1]);
    });
    url = await listen(server);
  });

  afterAll(() => close(server));

  it.each([
    ['an HTML page', 'text/html', '<html>welcome to nginx</html>'],
    ['JSON null', 'application/json', 'null'],
    ['JSON without a model', 'application/json', '{"workers":2}'],
  ])('refuses a service whose /info is %s, coded', async (_what, type, body) => {
    answer = [type, body];
    const refused = connectTargets({ async: url });
    await expect(refused).rejects.toMatchObject({ code: 'ERR_LAB_TARGET_UNREACHABLE' });
    await expect(refused).rejects.toThrow(/lab service's JSON/);
  });

  it('connects a service that answers /info as its model (control)', async () => {
    answer = ['application/json', JSON.stringify({ model: 'async', workers: 3, pid: 1 })];
    await expect(connectTargets({ async: url })).resolves.toEqual([
      { model: 'async', url, pid: undefined, workers: 3 },
    ]);
  });
});

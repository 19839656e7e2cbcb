import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How a stand-in misbehaves: `ignores-sigterm` is ready but only SIGKILL ends it; `never-ready`
 * is a Prometheus still loading its TSDB, for ever: like a real one before it is ready, it answers
 * 503 "Service Unavailable" on `/-/ready` and on every `/api/v1` endpoint (Prometheus's web.go
 * wraps both in its readiness check: `testReady`, and `api.ready` around the whole API).
 */
export type FakeMode = 'ignores-sigterm' | 'never-ready';

/**
 * An executable in `folder` that answers as a Prometheus does, on the `--web.listen-address` it
 * is given, what startPrometheus asks (`/-/ready`, `/api/v1/status/flags`): the misbehaviour
 * of `mode`, which a real Prometheus shows only by chance.
 */
export function fakePrometheus(folder: string, mode: FakeMode): string {
  const path = join(folder, `prometheus-${mode}`);
  writeFileSync(
    path,
    `#!${process.execPath}
const flag = (name) => process.argv.find((a) => a.startsWith('--' + name + '=')).slice(name.length + 3);
const [host, port] = flag('web.listen-address').split(':');
if (${JSON.stringify(mode)} === 'ignores-sigterm') process.on('SIGTERM', () => {});
require('node:http')
  .createServer((req, res) => {
    if (${JSON.stringify(mode)} === 'never-ready') {
      res.statusCode = 503;
      return res.end('Service Unavailable');
    }
    if (req.url === '/api/v1/status/flags') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ status: 'success', data: { 'config.file': flag('config.file') } }));
    }
    res.statusCode = req.url === '/-/ready' ? 200 : 404;
    res.end();
  })
  .listen(Number(port), host);
`,
  );
  chmodSync(path, 0o755);
  return path;
}

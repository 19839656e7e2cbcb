import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How a stand-in misbehaves: `ignores-sigterm` is ready but only SIGKILL ends it; `never-ready`
 * names our config file in its flags but answers `/-/ready` 503 forever (a Prometheus still
 * loading its TSDB).
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
    if (req.url === '/api/v1/status/flags') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ status: 'success', data: { 'config.file': flag('config.file') } }));
    }
    res.statusCode = req.url === '/-/ready' && ${JSON.stringify(mode)} !== 'never-ready' ? 200 : 503;
    res.end();
  })
  .listen(Number(port), host);
`,
  );
  chmodSync(path, 0o755);
  return path;
}

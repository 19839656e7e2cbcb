// Runs after `npm install` / `npm ci` (root `postinstall`). npm itself runs on the machine's Node,
// which may be older than the Node 24 this project pins (the `node` devDependency): npm then
// prints an EBADENGINE warning for each package that needs Node >= 22 (OpenTelemetry's). They
// are harmless here — every npm script runs on the pinned Node — but look like a failure, so say
// why they appeared, once, right under them. Prints nothing when npm already runs on Node 24.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const agent = process.env.npm_config_user_agent ?? '';
const npmNode = /\bnode\/v(\d+)\.(\d+)\.(\d+)/.exec(agent);
if (npmNode && Number(npmNode[1]) < 24) {
  let pinned = 'pinned Node 24';
  try {
    const bin = join(__dirname, '..', 'node_modules', '.bin', 'node');
    pinned = `Node ${execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()}`;
  } catch {
    // the pinned runtime is not installed (yet): keep the generic wording
  }
  process.stdout.write(
    [
      '',
      `note: npm ran on Node v${npmNode[1]}.${npmNode[2]}.${npmNode[3]}. Any EBADENGINE warnings above are`,
      '      about packages that need a newer Node; they are safe to ignore: every npm',
      `      script of this project runs on its own ${pinned} (node_modules/.bin/node).`,
      '',
    ].join('\n'),
  );
}

/**
 * `npm run observe` runs on the ports Docker uses (docs/contract.md): each service on the model
 * registry's port (upstream 3100) and Prometheus on 9090, unless a variable says otherwise. Both
 * are seen without serving on them: a port held here (or by someone else already) makes the
 * start fail naming it, and a stand-in Prometheus that exits at once names the one it was given.
 */
import { anyFreePorts, holdPort, tempFolder } from '@concurrency-lab/launcher/testing';
import { UPSTREAM } from '@concurrency-lab/models';
import { chmodSync, writeFileSync } from 'node:fs';
import { runObserve } from './support/run-observe';
import { join } from 'node:path';

describe('observe, on its default ports', () => {
  const folder = tempFolder('observe-default-ports-');
  // Prints the flags it was started with and exits: never ready, so the start fails quoting them.
  const exitsAtOnce = join(folder, 'prometheus-exits');
  writeFileSync(exitsAtOnce, '#!/bin/sh\necho "flags: $*"\nexit 3\n');
  chmodSync(exitsAtOnce, 0o755);

  /** observe with `env` on free ports but those it names, and that Prometheus: never up, exit 1. */
  async function refusedWith(env: NodeJS.ProcessEnv) {
    const run = await runObserve(
      { ...anyFreePorts(), WORKERS: '1', PROMETHEUS_BIN: exitsAtOnce, ...env },
      60_000,
    );
    expect({ code: run.code, up: run.stdout.includes('observed without Docker') }).toEqual({
      code: 1,
      up: false,
    });
    return run;
  }

  it(`starts upstream on the registry's port, ${UPSTREAM.port}, without UPSTREAM_PORT`, async () => {
    await using _port = await holdPort(UPSTREAM.port);
    const run = await refusedWith({ UPSTREAM_PORT: '' });
    expect(run.stderr).toContain(`upstream exited`);
    expect(run.stderr).toContain(`EADDRINUSE: address already in use 127.0.0.1:${UPSTREAM.port}`);
  }, 90_000);

  it('runs Prometheus on 9090 without PROMETHEUS_PORT', async () => {
    const run = await refusedWith({ PROMETHEUS_PORT: '' });
    expect(run.stderr).toContain('prometheus did not become ready at http://127.0.0.1:9090:');
    expect(run.stderr).toContain('--web.listen-address=127.0.0.1:9090');
  }, 90_000);
});

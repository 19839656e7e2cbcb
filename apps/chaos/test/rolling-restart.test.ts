import { describe, expect, it } from '@jest/globals';
import { MODELS } from '@concurrency-lab/models';
import { createServer } from 'node:http';
import { rollingRestart } from '../src/drills/rolling-restart';
import { close, closedUrl, listen } from '@concurrency-lab/launcher/testing';
import { registryRow, standInContext, standInService } from './support/stand-in-service';

describe('rolling-restart', () => {
  it('applies to the models whose HTTP is served by worker processes, as the registry says', () => {
    expect(MODELS.filter((m) => rollingRestart.appliesTo(m)).map((m) => m.model)).toEqual([
      'cluster',
      'hybrid',
    ]);
  });

  it('breaks, not skips, where no /info probe answers', async () => {
    const standIn = standInService(await closedUrl());
    const { ctx, progress } = standInContext(standIn.service);
    const rows = await rollingRestart.run(ctx, [registryRow('cluster')]);
    expect(rows.map((r) => [r.model, r.violations])).toEqual([
      ['cluster', ['no /info probe answered (12 tries): no HTTP worker to roll']],
    ]);
    expect(standIn.signals).toEqual([]); // nothing to roll: no SIGHUP
    expect(progress).toEqual([]);
  }, 20_000);

  it('breaks where /info is answered by a process that is not a worker of the service', async () => {
    // The registry says worker processes; the service process itself answers (the stand-in's
    // pid is the test process, whose answers are not a child's).
    const server = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ pid: process.pid })),
    );
    try {
      const standIn = standInService(await listen(server));
      const rows = await rollingRestart.run(standInContext(standIn.service).ctx, [
        registryRow('hybrid'),
      ]);
      expect(rows.map((r) => [r.model, r.violations])).toEqual([
        ['hybrid', [`/info answered by pid ${process.pid}, not a worker process of the service`]],
      ]);
      expect(standIn.signals).toEqual([]);
    } finally {
      await close(server);
    }
  }, 20_000);
});

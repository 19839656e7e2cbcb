import { describe, expect, it } from '@jest/globals';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { gracefulStop } from '../src/drills/graceful-stop';
import { closedUrl, listen } from '@concurrency-lab/launcher/testing';
import { registryRow, standInContext, standInService } from './support/stand-in-service';

/**
 * A service that drains as the contract says: on SIGTERM its listener closes (new connections
 * are refused), every request in flight is answered with `Connection: close`, and it exits 0
 * once its last connection has closed. The listener is a net server handing sockets to the HTTP
 * server, so closing it leaves the keep-alive connections to the drain. `refuseInFlight`: it
 * abandons the work in flight instead, answering it at once 503 `ERR_SHUTTING_DOWN` (with
 * `Retry-After`) — what the contract allows only for requests that arrive while it drains.
 */
async function drainingService({ refuseInFlight = false } = {}) {
  const sockets = new Set<Socket>();
  const pending = new Map<NodeJS.Timeout, ServerResponse>();
  let draining = false;
  const http = createHttpServer((req, res) => {
    const work = setTimeout(() => {
      pending.delete(work);
      if (draining) res.setHeader('connection', 'close');
      res.setHeader('x-pid', String(process.pid));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }, 200);
    pending.set(work, res);
  });
  const listener = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (draining && sockets.size === 0) standIn.exit();
    });
    http.emit('connection', socket);
  });
  const standIn = standInService(await listen(listener), (signal) => {
    if (signal !== 'SIGTERM') return;
    draining = true;
    listener.close();
    if (refuseInFlight) {
      for (const [work, res] of pending) {
        clearTimeout(work);
        res
          .writeHead(503, {
            'content-type': 'application/problem+json',
            'retry-after': '1',
            connection: 'close',
          })
          .end(JSON.stringify({ status: 503, code: 'ERR_SHUTTING_DOWN' }));
      }
      pending.clear();
    }
    if (sockets.size === 0) standIn.exit();
  });
  return standIn;
}

describe('graceful-stop', () => {
  it('breaks where nothing was in flight at SIGTERM and nothing answered 200 before it', async () => {
    // Nothing listens: every request is refused, before SIGTERM and after.
    const standIn = standInService(await closedUrl(), (_signal, s) =>
      setTimeout(() => s.exit(), 100),
    );
    const rows = await gracefulStop.run(standInContext(standIn.service).ctx, [
      registryRow('async'),
    ]);
    expect(standIn.signals).toEqual(['SIGTERM']);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.notes[0]).toBe('0 in flight at SIGTERM');
    // Its refusals before SIGTERM are lost requests (only those after it are the drain's own);
    // those after it are not its requests at all.
    const [refused, after] = (
      /^ECONNREFUSED: (\d+) \((\d+) connections refused after SIGTERM: not counted as requests\)$/.exec(
        rows[0]?.notes[2] ?? '',
      ) ?? []
    )
      .slice(1)
      .map(Number);
    expect(after).toBeGreaterThan(0);
    expect(rows[0]?.lost).toBeGreaterThan(0);
    expect(rows[0]?.lost).toBe((refused ?? NaN) - (after ?? NaN));
    expect(rows[0]?.requests).toBe(rows[0]?.lost);
    expect(rows[0]?.violations).toEqual([
      'no request in flight at SIGTERM: nothing to drain',
      'no 200 before SIGTERM: the service served nothing',
      `${rows[0]?.lost} requests were not answered (refused before SIGTERM, or accepted and dropped)`,
    ]);
  }, 10_000);

  it('holds for a service that answers, then drains what is in flight and exits 0', async () => {
    const standIn = await drainingService();
    const [row] = await gracefulStop.run(standInContext(standIn.service).ctx, [
      registryRow('async'),
    ]);
    expect(standIn.signals).toEqual(['SIGTERM']);
    const inFlight = Number(/^(\d+) in flight at SIGTERM$/.exec(row?.notes[0] ?? '')?.[1]);
    expect(inFlight).toBeGreaterThan(0);
    expect(row?.notes[1]).toBe('exit {"code":0,"signal":null}');
    expect(row?.lost).toBe(0);
    expect(row?.violations).toEqual([]);
  }, 10_000);

  it('breaks where the requests in flight at SIGTERM are refused 503 instead of finished', async () => {
    const standIn = await drainingService({ refuseInFlight: true });
    const [row] = await gracefulStop.run(standInContext(standIn.service).ctx, [
      registryRow('async'),
    ]);
    const inFlight = Number(/^(\d+) in flight at SIGTERM$/.exec(row?.notes[0] ?? '')?.[1]);
    expect(inFlight).toBeGreaterThan(0);
    // Every request sent before SIGTERM and still pending got the 503: at least those in flight.
    const refused = Number(/^sent before SIGTERM: .*\b503: (\d+)/.exec(row?.notes[4] ?? '')?.[1]);
    expect(refused).toBeGreaterThanOrEqual(inFlight);
    // And which refusal it was: the drain's, by its code.
    expect(row?.notes[4]).toMatch(new RegExp(`\\(ERR_SHUTTING_DOWN ${refused}\\)$`));
    expect(row?.lost).toBe(refused);
    expect(row?.violations).toEqual([
      `${refused} requests sent before SIGTERM answered 503: the drain must finish them (only requests arriving while it drains may be refused)`,
    ]);
  }, 10_000);
});

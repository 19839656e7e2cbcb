import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { close, listen } from '@concurrency-lab/launcher/testing';
import { afterFirstCollection, COLLECTION_DROP_BYTES, holdForCollection } from '../src/live-heap';

const MiB = 2 ** 20;

describe('the reading after the first full collection', () => {
  it.each([
    ['none at all', [], null],
    ['a heap that only grows (promotions)', [10, 20, 30], null],
    ['a fall smaller than a collection’s', [50, 49.5, 60], null],
    ['the first reading after the fall, not the least one', [50, 60, 20, 10], 20],
    ['a fall across a missing reading', [50, null, 20], 20],
    ['a first reading with nothing before it', [null, 50], null],
    ['a fall of exactly the threshold', [51, 50], 50],
  ])('%s', (_what, mib, expected) => {
    const readings = mib.map((m) => (m === null ? null : m * MiB));
    expect(afterFirstCollection(readings)).toBe(expected === null ? null : expected * MiB);
  });

  it('needs the whole threshold: one byte less is no collection', () => {
    expect(afterFirstCollection([COLLECTION_DROP_BYTES + 10, 10])).toBe(10);
    expect(afterFirstCollection([COLLECTION_DROP_BYTES + 10, 11])).toBeNull();
  });
});

/**
 * A real HTTP server that holds every `/io/sleep` request unanswered, as a model's does for its
 * wait, and counts them and the sockets still open.
 */
async function holdingServer(answerFirst?: number) {
  const held: ServerResponse[] = [];
  const paths: string[] = [];
  const sockets = new Set<Socket>();
  const asked = new WeakSet<Socket>();
  const server: Server = createServer((request, response) => {
    paths.push(request.url ?? '');
    // `answerFirst`: each connection's first wait is answered at once with that status (200:
    // its wait over, as a model answers a wait when it ends); the next is held.
    if (answerFirst !== undefined && !asked.has(request.socket)) {
      asked.add(request.socket);
      response.statusCode = answerFirst;
      response.end('{}');
      return;
    }
    held.push(response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const url = await listen(server);
  return {
    url,
    paths,
    held,
    open: () => sockets.size,
    /** Resolves once every socket the client opened is closed, or after 2 s however many are. */
    drained: async () => {
      for (let i = 0; sockets.size && i < 200; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
    },
    stop: async () => {
      for (const response of held) response.destroy();
      await close(server);
    },
  };
}

/** A `read()` that answers `mib` in turn (the last one again once they run out). */
function scripted(mib: number[], onRead?: () => void) {
  let calls = 0;
  return {
    read: () => {
      onRead?.();
      const value = mib[Math.min(calls, mib.length - 1)] ?? 0;
      calls += 1;
      return Promise.resolve(value * MiB);
    },
    calls: () => calls,
  };
}

describe('holding the connections for a full collection', () => {
  it('holds every connection on one long wait while it reads, answers the reading after the fall, then closes them', async () => {
    const server = await holdingServer();
    try {
      const openAtReads: number[] = [];
      const reads = scripted([100, 110, 60, 50], () => openAtReads.push(server.paths.length));
      const after = await holdForCollection({
        baseUrl: server.url,
        connections: 50,
        read: reads.read,
        everyMs: 10,
        waitMs: 5000,
      });
      expect(after).toBe(60 * MiB);
      expect(reads.calls()).toBe(3); // it stopped at the fall
      // Every connection was waiting when the reading that counts was taken.
      expect(openAtReads.at(-1)).toBe(50);
      expect(new Set(server.paths)).toEqual(new Set(['/io/sleep?ms=5000']));
      await server.drained(); // and none is left open
      expect(server.open()).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('takes its first reading an interval after the last request went out: sent is not yet read by the model', async () => {
    const server = await holdingServer();
    try {
      const openAtReads: number[] = [];
      const reads = scripted([100, 60], () => openAtReads.push(server.paths.length));
      const after = await holdForCollection({
        baseUrl: server.url,
        connections: 50,
        read: reads.read,
        everyMs: 200,
        waitMs: 5000,
      });
      expect([after, openAtReads]).toEqual([60 * MiB, [50, 50]]);
    } finally {
      await server.stop();
    }
  });

  /**
   * 30 connections on a model that answers each one's first 50 ms wait with `status` and holds
   * the next: the hold's figure (readings 100, 100, 60 MiB), the waits the model was asked for
   * in all, and those it still holds.
   */
  async function firstAnswered(status: number) {
    const server = await holdingServer(status);
    try {
      const reads = scripted([100, 100, 60]);
      const after = await holdForCollection({
        baseUrl: server.url,
        connections: 30,
        read: reads.read,
        everyMs: 100,
        waitMs: 50,
      });
      return { after, asked: server.paths.length, held: server.held.length };
    } finally {
      await server.stop();
    }
  }

  it('asks again on a connection whose wait was answered, so it stays held through the hold', async () => {
    // Every connection answered once and waiting again; no connection lost, so it counts.
    expect(await firstAnswered(200)).toEqual({ after: 60 * MiB, asked: 60, held: 30 });
  });

  it('is void once the model sheds a wait, and asks no more on that connection', async () => {
    // The 503s are not waits: no figure, and each connection asked once, never again.
    expect(await firstAnswered(503)).toEqual({ after: null, asked: 30, held: 0 });
  });

  it('answers null when no collection comes before the hold ends, having read all along', async () => {
    const server = await holdingServer();
    try {
      const reads = scripted([100, 101, 102, 103]);
      const started = performance.now();
      const after = await holdForCollection({
        baseUrl: server.url,
        connections: 20,
        read: reads.read,
        everyMs: 20,
        holdMs: 300,
      });
      expect(after).toBeNull();
      expect(reads.calls()).toBeGreaterThanOrEqual(3);
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
      await server.drained();
    } finally {
      await server.stop();
    }
  });

  it('counts no reading once a connection is lost: the figure is per connection', async () => {
    /** The model closes a held connection at reading `dropAt` (0: never); the fall comes at 4. */
    const lose = async (dropAt: number) => {
      const server = await holdingServer();
      try {
        let reads = 0;
        const read = async () => {
          reads += 1;
          if (reads === dropAt) {
            const socket = server.held[0]?.socket;
            if (!socket) throw new Error(`no request held by reading ${dropAt}`);
            socket.destroy();
            // The reading comes back after the loss is known (a scrape takes a while).
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          return (reads < 4 ? 100 : 50) * MiB;
        };
        return await holdForCollection({
          baseUrl: server.url,
          connections: 10,
          read,
          everyMs: 30,
          waitMs: 2000,
        });
      } finally {
        await server.stop();
      }
    };
    expect(await lose(2)).toBeNull(); // lost before the fall: no more readings
    expect(await lose(4)).toBeNull(); // lost while the reading of the fall was taken
    // The control: with every connection held the same readings give the figure.
    expect(await lose(0)).toBe(50 * MiB);
  });

  it('answers null without reading when the model cannot be reached', async () => {
    const reads = scripted([100, 50]);
    const after = await holdForCollection({
      baseUrl: 'http://127.0.0.1:1',
      connections: 5,
      read: reads.read,
      everyMs: 10,
      waitMs: 1000,
    });
    expect([after, reads.calls()]).toEqual([null, 0]);
  });
});

describe('asking the model for a full collection while holding', () => {
  /**
   * A hold of 10 connections on a model whose old space reads `mib` in turn; `arrivedFrom`: the
   * reading from which every request has arrived (1: at once); `asks`: whether collect reaches a
   * process. Answers the figure and when collect was called (the readings taken by then).
   */
  async function hold(mib: number[], arrivedFrom: number, asks: boolean) {
    const server = await holdingServer();
    try {
      const reads = scripted(mib);
      const collectedAt: number[] = [];
      const after = await holdForCollection({
        baseUrl: server.url,
        connections: 10,
        read: reads.read,
        everyMs: 10,
        holdMs: 2_000,
        collect: () => {
          collectedAt.push(reads.calls());
          return asks;
        },
        allArrived: () => Promise.resolve(reads.calls() >= arrivedFrom),
      });
      return { after, collectedAt, reads: reads.calls() };
    } finally {
      await server.stop();
    }
  }

  it('takes the next reading after it asked: the collection ran, fall or no fall', async () => {
    // Old space barely moves (the load's garbage was collected already): no fall of 1 MiB, and
    // still the reading after the asked collection is the live heap.
    expect(await hold([40, 40.5, 41], 1, true)).toEqual({
      after: 40.5 * MiB,
      collectedAt: [1],
      reads: 2,
    });
  });

  it('asks only once every request has arrived, and only once', async () => {
    // Arrived from the third reading: asked then, once; the fourth is the figure.
    expect(await hold([40, 41, 42, 43, 44], 3, true)).toEqual({
      after: 43 * MiB,
      collectedAt: [3],
      reads: 4,
    });
  });

  it('falls back on V8’s own collection when no process was asked', async () => {
    // collect reached no process: the readings go on until a fall, as without it.
    expect(await hold([40, 41, 42, 30, 31], 1, false)).toEqual({
      after: 30 * MiB,
      collectedAt: [1],
      reads: 4,
    });
  });
});

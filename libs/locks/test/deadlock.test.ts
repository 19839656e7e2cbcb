import { setImmediate as turn } from 'node:timers/promises';
import { DeadlockError, LockOwner, Mutex, RLock, RWLock, type UnlockToken } from '../src/index';

/** What a refused wait rejects with: ERR_LOCK_DEADLOCK, its cycle's edges [owner, lock, heldBy]. */
const deadlock = (...edges: [owner: string, lock: string, heldBy: string][]) => ({
  code: 'ERR_LOCK_DEADLOCK',
  cycle: edges.map(([owner, lock, heldBy]) => ({ owner, lock, heldBy })),
});

describe('deadlock detection (in-loop wait-for graph)', () => {
  it('refuses the wait that closes an A→B / B→A cycle, naming both locks, instead of hanging', async () => {
    const a = new Mutex({ name: 'A' });
    const b = new Mutex({ name: 'B' });
    const results = await Promise.allSettled([
      a.withLock(async () => {
        await turn();
        return b.withLock(() => 'first done');
      }),
      b.withLock(async () => {
        await turn();
        return a.withLock(() => 'second done');
      }),
    ]);
    const refused = results.filter((r) => r.status === 'rejected');
    const finished = results.filter((r) => r.status === 'fulfilled');
    expect(refused).toHaveLength(1);
    expect(finished).toHaveLength(1);
    const error = (refused[0] as PromiseRejectedResult).reason as DeadlockError;
    expect(error.code).toBe('ERR_LOCK_DEADLOCK');
    expect([...error.locks].sort()).toEqual(['A', 'B']);
    expect(error.cycle).toHaveLength(2);
    expect(a.locked || b.locked).toBe(false);
  });

  it('names the owners of the cycle when they are named', async () => {
    const a = new Mutex({ name: 'A' });
    const b = new Mutex({ name: 'B' });
    const t1 = new LockOwner('t1');
    const t2 = new LockOwner('t2');
    const heldA = await a.acquire({ owner: t1 });
    const heldB = await b.acquire({ owner: t2 });
    const t1WaitsForB = b.acquire({ owner: t1 });
    await expect(a.acquire({ owner: t2 })).rejects.toMatchObject(
      deadlock(['t2', 'A', 't1'], ['t1', 'B', 't2']),
    );
    heldB.unlock();
    (await t1WaitsForB).unlock();
    heldA.unlock();
  });

  it('finds longer cycles (A→B→C→A)', async () => {
    const [a, b, c] = ['A', 'B', 'C'].map((name) => new Mutex({ name })) as [Mutex, Mutex, Mutex];
    const [t1, t2, t3] = ['t1', 't2', 't3'].map((name) => new LockOwner(name));
    const held = [
      await a.acquire({ owner: t1 }),
      await b.acquire({ owner: t2 }),
      await c.acquire({ owner: t3 }),
    ];
    const waits = [b.acquire({ owner: t1 }), c.acquire({ owner: t2 })];
    await expect(a.acquire({ owner: t3 })).rejects.toMatchObject({
      code: 'ERR_LOCK_DEADLOCK',
    });
    for (const token of held.reverse()) token.unlock();
    for (const token of await Promise.all(waits)) token.unlock();
  });

  it('refuses a mutex its owner already holds (self-deadlock), but lets an RLock re-enter', async () => {
    const mutex = new Mutex({ name: 'M' });
    const rlock = new RLock({ name: 'R' });
    await new LockOwner('t').run(async () => {
      using _held = await mutex.acquire();
      await expect(mutex.acquire()).rejects.toMatchObject(deadlock(['t', 'M', 't']));
      using _outer = await rlock.acquire();
      using _inner = await rlock.acquire();
      expect(rlock.depth).toBe(2);
    });
  });

  it('lets sibling withLock calls inside another withLock take turns: strangers, not a deadlock', async () => {
    const outer = new Mutex({ name: 'outer' });
    const db = new Mutex({ name: 'db' });
    let inside = 0;
    let mostInside = 0;
    const write = (value: number) =>
      db.withLock(async () => {
        mostInside = Math.max(mostInside, ++inside);
        await turn();
        inside--;
        return value;
      });
    await expect(outer.withLock(() => Promise.all([write(1), write(2)]))).resolves.toEqual([1, 2]);
    expect(mostInside).toBe(1);
    // Control: under one named owner the two calls are one task, and the second one's wait for
    // what that task holds is its own deadlock.
    await expect(
      new LockOwner('t').run(() => outer.withLock(() => Promise.all([write(1), write(2)]))),
    ).rejects.toMatchObject(deadlock(['t', 'db', 't']));
  });

  it('refuses a nested withLock of a Mutex its caller holds, naming the call and its caller', async () => {
    const mutex = new Mutex({ name: 'M' });
    const error = (await mutex
      .withLock(() => mutex.withLock(() => 'entered'))
      .catch((e: unknown) => e)) as DeadlockError;
    expect(error.code).toBe('ERR_LOCK_DEADLOCK');
    expect(error.cycle).toHaveLength(1);
    const [edge] = error.cycle;
    expect(edge?.lock).toBe('M');
    // The nested call is a task of its own, made inside the one that holds M.
    expect(edge?.owner).not.toBe(edge?.heldBy);
    expect(mutex.locked).toBe(false);
  });

  it('names only the edges of the cycle, not a dead end the search tried first', async () => {
    const rw = new RWLock({ name: 'RW' });
    const b = new Mutex({ name: 'B' });
    const [idle, t1, t2] = ['idle', 't1', 't2'].map((name) => new LockOwner(name));
    // Two readers: `idle` (first, so searched first) waits for nothing, t1 waits for B.
    const reads = [await rw.read.acquire({ owner: idle }), await rw.read.acquire({ owner: t1 })];
    const heldB = await b.acquire({ owner: t2 });
    const t1WaitsForB = b.acquire({ owner: t1 });
    await expect(rw.write.acquire({ owner: t2 })).rejects.toMatchObject(
      deadlock(['t2', 'RW', 't1'], ['t1', 'B', 't2']),
    );
    heldB.unlock();
    (await t1WaitsForB).unlock();
    for (const read of reads) read.unlock();
  });

  it('forgets a nested call’s granted wait for its caller too: no cycle through it later', async () => {
    const a = new Mutex({ name: 'A' });
    const b = new Mutex({ name: 'B' });
    const q = new LockOwner('q');
    const stranger = await b.acquire(); // anonymous: the nested call below has to queue
    let qHoldsB: UnlockToken | undefined;
    let qWaitsForA: Promise<UnlockToken> | undefined;
    await a.withLock(async () => {
      const nested = b.withLock(() => 'nested done');
      stranger.unlock();
      expect(await nested).toBe('nested done');
      // This call now waits for nothing: q holding B and waiting for A closes no cycle.
      qHoldsB = await b.acquire({ owner: q });
      qWaitsForA = a.acquire({ owner: q });
    });
    (await qWaitsForA)?.unlock();
    qHoldsB?.unlock();
    expect(a.stats).toMatchObject({ acquisitions: 2, contended: 1 });
  });

  it('does not report a chain without a cycle', async () => {
    const a = new Mutex({ name: 'A' });
    const b = new Mutex({ name: 'B' });
    const order: string[] = [];
    await Promise.all([
      a.withLock(async () => {
        await turn();
        await b.withLock(() => order.push('t1 has A and B'));
      }),
      b.withLock(async () => {
        await turn();
        order.push('t2 done with B');
      }),
    ]);
    expect(order).toEqual(['t2 done with B', 't1 has A and B']);
  });

  it.each([
    [
      'timed out',
      { timeout: 20 },
      async (aWaitsForX: Promise<UnlockToken>) => {
        await expect(aWaitsForX).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
      },
    ],
    [
      'was granted',
      {},
      async (aWaitsForX: Promise<UnlockToken>, bHeldX: UnlockToken) => {
        bHeldX.unlock(); // granted to a: its wait is over
        (await aWaitsForX).unlock();
      },
    ],
  ])('forgets a wait that %s: a later wait the other way is no cycle', async (_how, asked, end) => {
    const x = new Mutex({ name: 'X' });
    const y = new Mutex({ name: 'Y' });
    const [a, b] = [new LockOwner('a'), new LockOwner('b')];
    const bHeldX = await x.acquire({ owner: b });
    const aHoldsY = await y.acquire({ owner: a });
    const aWaitsForX = x.acquire({ owner: a, ...asked });
    // The control: while a's wait is live, b asking for Y does close a cycle.
    await expect(y.acquire({ owner: b })).rejects.toMatchObject({ code: 'ERR_LOCK_DEADLOCK' });
    await end(aWaitsForX, bHeldX);
    // b holds X again: still (a timed out) or anew (a had it and let go).
    const bHoldsX = x.locked ? bHeldX : await x.acquire({ owner: b });
    // a waits for nothing now: b merely waits for Y (and times out), it is not refused.
    await expect(y.acquire({ owner: b, timeout: 20 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    aHoldsY.unlock();
    bHoldsX.unlock();
  });

  it('negative control: with anonymous acquisitions the same cycle is invisible and both waits hang (until their timeouts)', async () => {
    const a = new Mutex({ name: 'A' });
    const b = new Mutex({ name: 'B' });
    const heldA = await a.acquire();
    const heldB = await b.acquire();
    const results = await Promise.allSettled([
      b.acquire({ timeout: 20 }),
      a.acquire({ timeout: 20 }),
    ]);
    expect(
      results.map((r) =>
        r.status === 'rejected' ? (r.reason as { code: string }).code : 'granted',
      ),
    ).toEqual(['ERR_LOCK_TIMEOUT', 'ERR_LOCK_TIMEOUT']);
    heldA.unlock();
    heldB.unlock();
  });
});

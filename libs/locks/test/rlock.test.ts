import { setImmediate as turn } from 'node:timers/promises';
import { LockOwner, Mutex, RLock } from '../src/index';

describe('RLock', () => {
  it('lets its owner take it again, and frees it when every token is unlocked', async () => {
    const rlock = new RLock();
    await new LockOwner('task').run(async () => {
      const outer = await rlock.acquire();
      const inner = await rlock.acquire();
      expect(rlock.depth).toBe(2);
      inner.unlock();
      expect(rlock.locked).toBe(true);
      outer.unlock();
      expect(rlock.locked).toBe(false);
    });
  });

  it('makes another owner wait until the holder has released every level', async () => {
    const rlock = new RLock();
    const holder = new LockOwner('holder');
    const outer = await rlock.acquire({ owner: holder });
    const inner = await rlock.acquire({ owner: holder });
    let granted = false;
    const other = rlock.acquire({ owner: new LockOwner('other') }).then((token) => {
      granted = true;
      return token;
    });
    inner.unlock();
    await turn();
    expect(granted).toBe(false);
    outer.unlock();
    (await other).unlock();
    expect(granted).toBe(true);
  });

  it('re-enters through nested withLock calls without naming an owner', async () => {
    const rlock = new RLock();
    const depths = await rlock.withLock(async () => {
      const inner = await rlock.withLock(() => rlock.depth);
      return [inner, rlock.depth];
    });
    expect(depths).toEqual([2, 1]);
    expect(rlock.locked).toBe(false);
  });

  it('re-enters from nested calls made together, and is free once they and their caller end', async () => {
    const rlock = new RLock();
    const depths = await rlock.withLock(() =>
      Promise.all([rlock.withLock(() => rlock.depth), rlock.withLock(() => rlock.depth)]),
    );
    expect(depths).toEqual([3, 3]);
    expect(rlock.locked).toBe(false);
  });

  it('makes sibling withLock calls inside another lock take turns: neither re-enters the other', async () => {
    const outer = new Mutex();
    const rlock = new RLock();
    let inside = 0;
    let mostInside = 0;
    const critical = () =>
      rlock.withLock(async () => {
        mostInside = Math.max(mostInside, ++inside);
        await turn();
        inside--;
      });
    await outer.withLock(() => Promise.all([critical(), critical()]));
    expect(mostInside).toBe(1);
    // Control: under one named owner both calls are that owner's, and it re-enters.
    await new LockOwner('t').run(() => Promise.all([critical(), critical()]));
    expect(mostInside).toBe(2);
  });

  it('refuses acquire() outside any owner with ERR_LOCK_OWNER_REQUIRED', async () => {
    const rlock = new RLock();
    await expect(rlock.acquire()).rejects.toMatchObject({ code: 'ERR_LOCK_OWNER_REQUIRED' });
    expect(() => rlock.tryAcquire()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_OWNER_REQUIRED' }),
    );
  });

  it('tryAcquire re-enters for the owner and fails for others', async () => {
    const rlock = new RLock();
    const owner = new LockOwner('a');
    const token = await rlock.acquire({ owner });
    expect(owner.run(() => rlock.tryAcquire())?.unlock()).toBe(true);
    expect(new LockOwner('b').run(() => rlock.tryAcquire())).toBeNull();
    token.unlock();
  });

  it('serves different owners in arrival order', async () => {
    const rlock = new RLock();
    const first = await rlock.acquire({ owner: new LockOwner('first') });
    const order: string[] = [];
    const waits = ['b', 'c', 'd'].map((name) =>
      rlock.acquire({ owner: new LockOwner(name) }).then((token) => {
        order.push(name);
        token.unlock();
      }),
    );
    first.unlock();
    await Promise.all(waits);
    expect(order).toEqual(['b', 'c', 'd']);
  });
});

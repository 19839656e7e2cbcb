import { setImmediate as turn } from 'node:timers/promises';
import { LockOwner, RLock } from '../src/index';

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

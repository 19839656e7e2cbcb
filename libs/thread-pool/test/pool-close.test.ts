import { createPool, eventually, fault, never } from './pool-helpers';

describe('closing the pool', () => {
  it('lets a running task finish within closeTimeoutMs (the control)', async () => {
    const { pool } = createPool({ closeTimeoutMs: 10_000 });
    const napping = pool.request(fault('nap'), never()); // 300 ms
    const outcome = napping.then(
      ({ result }) => result,
      (error: unknown) => error,
    );
    expect(await eventually(() => pool.stats().running === 1)).toBe(true);
    await pool.close();
    expect(await outcome).toBe(4);
  });

  it('terminates a task that outlives closeTimeoutMs, which rejects with 503 ERR_SHUTTING_DOWN', async () => {
    // A task that never ends: before closeTimeoutMs, close() waited piscina's 30 s for it.
    const { pool } = createPool({ closeTimeoutMs: 100 });
    const hanging = pool.request(fault('hang'), never());
    const outcome = hanging.then(
      () => 'finished',
      (error: unknown) => error,
    );
    expect(await eventually(() => pool.stats().running === 1)).toBe(true);
    await pool.close();
    expect(await outcome).toMatchObject({
      code: 'ERR_SHUTTING_DOWN',
      status: 503,
      retryAfterSeconds: 1,
    });
    expect(pool.stats()).toMatchObject({ failed: 1, crashed: 0, size: 0 });
  });
});

import { RespawnPolicy } from '../src/respawn-policy';
import { respawnFromEnv } from '../src/primary-config';

describe('respawnFromEnv', () => {
  it('reads each variable it is given and leaves the rest to the defaults', () => {
    const env = {
      CLUSTER_RESPAWN_BASE_MS: '40',
      CLUSTER_CRASH_BUDGET: '0',
      CLUSTER_CRASH_WINDOW_MS: '1',
      CLUSTER_STABLE_AFTER_MS: '',
    };
    expect(respawnFromEnv(env)).toEqual({ baseDelayMs: 40, budget: 0, windowMs: 1 });
  });

  it('reads the backoff ceiling and the stable uptime too', () => {
    expect(
      respawnFromEnv({ CLUSTER_RESPAWN_MAX_MS: '900', CLUSTER_STABLE_AFTER_MS: '7000' }),
    ).toEqual({ maxDelayMs: 900, stableAfterMs: 7000 });
  });

  it('takes an hour at most for each duration, refusing a millisecond more by name', () => {
    for (const name of [
      'CLUSTER_RESPAWN_BASE_MS',
      'CLUSTER_RESPAWN_MAX_MS',
      'CLUSTER_STABLE_AFTER_MS',
      'CLUSTER_CRASH_WINDOW_MS',
    ]) {
      expect(() => respawnFromEnv({ [name]: '3600001' })).toThrow(
        expect.objectContaining({
          code: 'ERR_KIT_INVALID_CONFIG',
          message: expect.stringContaining(name),
        }),
      );
      expect(Object.values(respawnFromEnv({ [name]: '3600000' }))).toEqual([3_600_000]);
    }
  });

  it('takes 0 for each duration but the window, refusing a negative one by name', () => {
    // 0 is a respawn at once, a ceiling of 0, every worker stable: all meant, all accepted.
    for (const name of [
      'CLUSTER_RESPAWN_BASE_MS',
      'CLUSTER_RESPAWN_MAX_MS',
      'CLUSTER_STABLE_AFTER_MS',
    ]) {
      expect(Object.values(respawnFromEnv({ [name]: '0' }))).toEqual([0]);
      expect(() => respawnFromEnv({ [name]: '-1' })).toThrow(
        expect.objectContaining({
          code: 'ERR_KIT_INVALID_CONFIG',
          message: expect.stringContaining(name),
        }),
      );
    }
  });

  it('takes a crash budget of a million at most, refusing one more by name', () => {
    expect(respawnFromEnv({ CLUSTER_CRASH_BUDGET: '1000000' })).toEqual({ budget: 1_000_000 });
    expect(() => respawnFromEnv({ CLUSTER_CRASH_BUDGET: '1000001' })).toThrow(
      expect.objectContaining({
        code: 'ERR_KIT_INVALID_CONFIG',
        message: expect.stringContaining('CLUSTER_CRASH_BUDGET'),
      }),
    );
  });

  it('refuses a crash window of 0 ms, naming it: no crash would ever count', () => {
    expect(() => respawnFromEnv({ CLUSTER_CRASH_WINDOW_MS: '0' })).toThrow(
      expect.objectContaining({
        code: 'ERR_KIT_INVALID_CONFIG',
        message: expect.stringContaining('CLUSTER_CRASH_WINDOW_MS'),
      }),
    );
  });

  it('gives up after the budget with the smallest window it accepts, for crashes at once', () => {
    // What the refusal protects: with windowMs 1, crashes in the same millisecond count.
    const policy = new RespawnPolicy({
      ...respawnFromEnv({ CLUSTER_CRASH_WINDOW_MS: '1' }),
      budget: 1,
    });
    expect([policy.onCrash(5, 0).action, policy.onCrash(5, 0).action]).toEqual([
      'respawn',
      'give-up',
    ]);
  });
});

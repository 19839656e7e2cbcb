import { describe, expect, it } from '@jest/globals';
import { Fleet, LaunchArgumentError, portFromEnv } from '../src';
import { settings } from '../src/side-by-side';

/** What `Fleet.start` rejects with, given options it checks and a signal already aborted. */
async function startWithoutSpawning(options: Parameters<typeof Fleet.start>[0]): Promise<unknown> {
  // The port checks run before the abort is looked at, so an accepted fleet rejects with the
  // reason (and spawns nothing), a refused one with LaunchArgumentError.
  return Fleet.start({ ...options, signal: AbortSignal.abort(new Error('accepted')) }).then(
    () => new Error('started'),
    (error: unknown) => error,
  );
}

describe('Fleet.start port overrides at the edges of the range', () => {
  it('takes 65535, the highest port: two apps given it are refused as sharing it, not as out of range', async () => {
    const error = await startWithoutSpawning({
      models: ['async', 'threads'],
      upstream: false,
      portOverrides: { 'async-service': 65535, 'threads-service': 65535 },
    });
    expect(error).toMatchObject({
      code: LaunchArgumentError.code,
      message: '`async-service` and `threads-service` were both given port 65535',
    });
  });

  it('takes 0, a free port, and never counts it as shared', async () => {
    const error = await startWithoutSpawning({
      models: ['async', 'threads'],
      upstream: false,
      portOverrides: { 'async-service': 0, 'threads-service': 0 },
    });
    expect(error).toMatchObject({ message: 'accepted' });
  });

  it('keeps an override of 0 over the contract port, so it is not taken for the one another app was given', async () => {
    // With `||` for `??`, 0 fell back to async-service's contract port 3001: refused as shared.
    const error = await startWithoutSpawning({
      models: ['async', 'threads'],
      upstream: false,
      ports: 'contract',
      portOverrides: { 'async-service': 0, 'threads-service': 3001 },
    });
    expect(error).toMatchObject({ message: 'accepted' });
  });
});

describe('integers from the environment at the edges of their range', () => {
  it('reads a port of 65535', () => {
    expect(portFromEnv({ P: '65535' }, 'P')).toBe(65535);
  });

  it('reads BENCH_ROUNDS up to 100 and BENCH_SECONDS up to 3600', () => {
    expect(settings({ BENCH_ROUNDS: '100', BENCH_SECONDS: '3600' })).toMatchObject({
      rounds: 100,
      seconds: 3600,
    });
    expect(settings({ BENCH_ROUNDS: '1', BENCH_SECONDS: '1' })).toMatchObject({
      rounds: 1,
      seconds: 1,
    });
  });

  it.each([
    ['BENCH_ROUNDS', '101', 'an integer from 1 to 100, got `101`'],
    ['BENCH_SECONDS', '3601', 'an integer from 1 to 3600, got `3601`'],
  ])('refuses %s=%s, one past its cap', (variable, value, says) => {
    expect(() => settings({ [variable]: value })).toThrow(
      expect.objectContaining({
        code: LaunchArgumentError.code,
        message: `Expected \`${variable}\` to be ${says}`,
      }),
    );
  });
});

import { jest } from '@jest/globals';
import { LaunchArgumentError } from '../src';
import { settings, sideBySide, type BenchServer } from '../src/side-by-side';

describe('settings', () => {
  it('defaults to 5 s and 3 rounds, an empty variable as unset', () => {
    expect(settings({})).toEqual({ seconds: 5, rounds: 3, workers: '2' });
    expect(settings({ BENCH_SECONDS: '', BENCH_ROUNDS: '' })).toMatchObject({
      seconds: 5,
      rounds: 3,
    });
  });

  it('reads BENCH_SECONDS, BENCH_ROUNDS and WORKERS', () => {
    expect(settings({ BENCH_SECONDS: '2', BENCH_ROUNDS: '7', WORKERS: '4' })).toEqual({
      seconds: 2,
      rounds: 7,
      workers: '4',
    });
  });

  // Number() read `abc` as NaN and `0` as 0: no round ran, and the rows were NaN.
  it.each([
    ['BENCH_ROUNDS', 'abc'],
    ['BENCH_ROUNDS', '0'],
    ['BENCH_ROUNDS', '-1'],
    ['BENCH_ROUNDS', '1e3'],
    ['BENCH_SECONDS', 'abc'],
    ['BENCH_SECONDS', '0'],
    ['BENCH_SECONDS', '1.5'],
    ['BENCH_SECONDS', '50000'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    expect(() => settings({ [variable]: value })).toThrow(
      expect.objectContaining({
        code: LaunchArgumentError.code,
        message: expect.stringContaining(`\`${variable}\``) as unknown,
      }) as Error,
    );
  });
});

describe('sideBySide options', () => {
  const load = [{ name: 'root', path: '/', connections: 1 }];

  // 0 rounds ran nothing and gave NaN rows; a bad figure is refused before a server starts.
  it.each([
    [{ rounds: 0, seconds: 1 }, '`rounds`'],
    [{ rounds: -1, seconds: 1 }, '`rounds`'],
    [{ rounds: 1.5, seconds: 1 }, '`rounds`'],
    [{ rounds: NaN, seconds: 1 }, '`rounds`'],
    [{ rounds: 1, seconds: 0 }, '`seconds`'],
    [{ rounds: 1, seconds: -5 }, '`seconds`'],
    [{ rounds: 1, seconds: NaN }, '`seconds`'],
    [{ rounds: 1, seconds: Infinity }, '`seconds`'],
  ])('refuses %p, naming %s, and starts nothing', async (figures, named) => {
    const start = jest.fn<BenchServer['start']>();
    await expect(
      sideBySide({ servers: [{ name: 'a', start }], loads: load, ...figures }),
    ).rejects.toThrow(
      expect.objectContaining({
        code: LaunchArgumentError.code,
        message: expect.stringContaining(named) as unknown,
      }) as Error,
    );
    expect(start).not.toHaveBeenCalled();
  });

  describe('with the environment', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
    });

    it('reads no variable the caller gave a figure for', async () => {
      process.env['BENCH_ROUNDS'] = 'abc';
      process.env['BENCH_SECONDS'] = '0';
      await expect(
        sideBySide({ servers: [], loads: load, rounds: 1, seconds: 1 }),
      ).resolves.toEqual([]);
    });

    // The negative control: what the caller leaves undefined (given so or left out) is read.
    it.each([
      [{ rounds: undefined, seconds: 1 }, 'BENCH_ROUNDS'],
      [{ seconds: 1 }, 'BENCH_ROUNDS'],
      [{ rounds: 1, seconds: undefined }, 'BENCH_SECONDS'],
    ])('given %p, reads %s', async (figures, variable) => {
      process.env['BENCH_ROUNDS'] = 'abc';
      process.env['BENCH_SECONDS'] = '0';
      await expect(sideBySide({ servers: [], loads: load, ...figures })).rejects.toThrow(
        `\`${variable}\``,
      );
    });
  });
});

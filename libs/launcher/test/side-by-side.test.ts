import { LaunchArgumentError } from '../src';
import { settings } from '../src/side-by-side';

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

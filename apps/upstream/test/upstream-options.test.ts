import { DEFAULT_UPSTREAM_OPTIONS, upstreamOptionsFromEnv } from '../src';

describe('upstreamOptionsFromEnv', () => {
  it('takes the defaults when nothing is set', () => {
    expect(upstreamOptionsFromEnv({})).toEqual({
      pages: 50,
      latencyMs: 0,
      jitterMs: 0,
      failureRate: 0,
      seed: 1,
    });
    expect(upstreamOptionsFromEnv({})).toEqual(DEFAULT_UPSTREAM_OPTIONS);
  });

  it('treats an empty variable as unset', () => {
    expect(upstreamOptionsFromEnv({ UPSTREAM_PAGES: '', UPSTREAM_SEED: ' ' })).toEqual(
      DEFAULT_UPSTREAM_OPTIONS,
    );
  });

  it('parses every variable', () => {
    expect(
      upstreamOptionsFromEnv({
        UPSTREAM_PAGES: '200',
        UPSTREAM_LATENCY_MS: '25',
        UPSTREAM_JITTER_MS: '10',
        UPSTREAM_FAILURE_RATE: '0.05',
        UPSTREAM_SEED: '4294967295',
      }),
    ).toEqual({ pages: 200, latencyMs: 25, jitterMs: 10, failureRate: 0.05, seed: 4294967295 });
  });

  it.each([
    [
      'UPSTREAM_PAGES',
      'abc',
      'Expected `UPSTREAM_PAGES` to be an integer from 1 to 10000, got `abc`',
    ],
    ['UPSTREAM_PAGES', '0', 'Expected `UPSTREAM_PAGES` to be an integer from 1 to 10000, got `0`'],
    ['UPSTREAM_PAGES', '10001', 'got `10001`'],
    ['UPSTREAM_PAGES', '2.5', 'got `2.5`'],
    ['UPSTREAM_PAGES', '1e3', 'got `1e3`'],
    [
      'UPSTREAM_LATENCY_MS',
      '-5',
      'Expected `UPSTREAM_LATENCY_MS` to be an integer from 0 to 60000, got `-5`',
    ],
    [
      'UPSTREAM_JITTER_MS',
      '0x10',
      'Expected `UPSTREAM_JITTER_MS` to be an integer from 0 to 60000, got `0x10`',
    ],
    [
      'UPSTREAM_FAILURE_RATE',
      '1.5',
      'Expected `UPSTREAM_FAILURE_RATE` to be a number from 0 to 1, got `1.5`',
    ],
    ['UPSTREAM_FAILURE_RATE', 'half', 'got `half`'],
    [
      'UPSTREAM_SEED',
      '-1',
      'Expected `UPSTREAM_SEED` to be an integer from 0 to 4294967295, got `-1`',
    ],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => upstreamOptionsFromEnv({ [name]: value })).toThrow(message);
  });
});

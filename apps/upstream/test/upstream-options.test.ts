import { DEFAULT_UPSTREAM_OPTIONS, upstreamOptionsFromEnv } from '../src';

describe('upstreamOptionsFromEnv', () => {
  it('takes the defaults when nothing is set', () => {
    expect(upstreamOptionsFromEnv({})).toEqual({
      pages: 50,
      latencyMs: 0,
      jitterMs: 0,
      failureRate: 0,
      failureStatus: 503,
      spikeRate: 0,
      spikeMs: 6000,
      resetRate: 0,
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
        UPSTREAM_FAILURE_STATUS: '500',
        UPSTREAM_SPIKE_RATE: '0.1',
        UPSTREAM_SPIKE_MS: '2500',
        UPSTREAM_RESET_RATE: '0.3',
        UPSTREAM_SEED: '4294967295',
      }),
    ).toEqual({
      pages: 200,
      latencyMs: 25,
      jitterMs: 10,
      failureRate: 0.05,
      failureStatus: 500,
      spikeRate: 0.1,
      spikeMs: 2500,
      resetRate: 0.3,
      seed: 4294967295,
    });
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
      'UPSTREAM_FAILURE_STATUS',
      '404',
      'Expected `UPSTREAM_FAILURE_STATUS` to be an integer from 500 to 599, got `404`',
    ],
    ['UPSTREAM_FAILURE_STATUS', '503.5', 'got `503.5`'],
    [
      'UPSTREAM_SPIKE_RATE',
      '2',
      'Expected `UPSTREAM_SPIKE_RATE` to be a number from 0 to 1, got `2`',
    ],
    [
      'UPSTREAM_SPIKE_MS',
      '60001',
      'Expected `UPSTREAM_SPIKE_MS` to be an integer from 0 to 60000, got `60001`',
    ],
    [
      'UPSTREAM_RESET_RATE',
      '-0.1',
      'Expected `UPSTREAM_RESET_RATE` to be a number from 0 to 1, got `-0.1`',
    ],
    [
      'UPSTREAM_SEED',
      '-1',
      'Expected `UPSTREAM_SEED` to be an integer from 0 to 4294967295, got `-1`',
    ],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => upstreamOptionsFromEnv({ [name]: value })).toThrow(message);
  });
});

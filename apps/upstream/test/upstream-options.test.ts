import {
  DEFAULT_UPSTREAM_OPTIONS,
  resolveUpstreamOptions,
  upstreamOptionsFromEnv,
  type UpstreamOptions,
} from '../src';
import { thrownAs } from '@concurrency-lab/errors/testing';
import { ConfigError } from '@concurrency-lab/service-kit/env';
import { join } from 'node:path';
import { documentedDefaults } from './documented-defaults';

describe('upstreamOptionsFromEnv', () => {
  it('takes the defaults when nothing is set: every one documented on UpstreamOptions, as documented', () => {
    expect(upstreamOptionsFromEnv({})).toEqual(DEFAULT_UPSTREAM_OPTIONS);
    const documented = documentedDefaults(
      join(__dirname, '..', 'src', 'upstream-options.ts'),
      'UpstreamOptions',
    );
    expect(Object.keys(documented).sort()).toEqual(Object.keys(DEFAULT_UPSTREAM_OPTIONS).sort());
    for (const [option, value] of Object.entries(DEFAULT_UPSTREAM_OPTIONS)) {
      expect([option, String(value)]).toEqual([option, documented[option]]);
    }
  });

  it('treats an empty variable as unset, and refuses a blank one like any other non-number', () => {
    expect(upstreamOptionsFromEnv({ UPSTREAM_PAGES: '', UPSTREAM_SEED: '' })).toEqual(
      DEFAULT_UPSTREAM_OPTIONS,
    );
    expect(
      thrownAs(ConfigError, () => upstreamOptionsFromEnv({ UPSTREAM_SEED: ' ' })),
    ).toMatchObject({
      code: 'ERR_KIT_INVALID_CONFIG',
    });
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
    ['UPSTREAM_PAGES', 'abc'],
    ['UPSTREAM_PAGES', '0'],
    ['UPSTREAM_PAGES', '10001'],
    ['UPSTREAM_PAGES', '2.5'],
    ['UPSTREAM_PAGES', '1e3'],
    ['UPSTREAM_PAGES', ' 5'],
    ['UPSTREAM_LATENCY_MS', '-5'],
    ['UPSTREAM_JITTER_MS', '0x10'],
    ['UPSTREAM_FAILURE_RATE', '1.5'],
    ['UPSTREAM_FAILURE_RATE', 'half'],
    ['UPSTREAM_FAILURE_RATE', '.5'],
    ['UPSTREAM_FAILURE_STATUS', '404'],
    ['UPSTREAM_FAILURE_STATUS', '503.5'],
    ['UPSTREAM_SPIKE_RATE', '2'],
    ['UPSTREAM_SPIKE_MS', '60001'],
    ['UPSTREAM_RESET_RATE', '-0.1'],
    ['UPSTREAM_SEED', '-1'],
    ['UPSTREAM_SEED', '4294967296'],
  ])('refuses %s=%j with ERR_KIT_INVALID_CONFIG naming the variable', (name, value) => {
    const error = thrownAs(ConfigError, () => upstreamOptionsFromEnv({ [name]: value }));
    expect(error).toMatchObject({ name: 'ConfigError', code: 'ERR_KIT_INVALID_CONFIG' });
    expect(error.message).toContain(name);
  });

  it('names every bad variable at once, and not the good ones beside them', () => {
    const error = thrownAs(ConfigError, () =>
      upstreamOptionsFromEnv({ UPSTREAM_PAGES: 'x', UPSTREAM_SEED: '-1', UPSTREAM_SPIKE_MS: '5' }),
    );
    expect(error.code).toBe('ERR_KIT_INVALID_CONFIG');
    expect(error.message).toContain('UPSTREAM_PAGES');
    expect(error.message).toContain('UPSTREAM_SEED');
    expect(error.message).not.toContain('UPSTREAM_SPIKE_MS');
  });
});

describe('the documented range of each option', () => {
  // Option, variable, and the inclusive range documented on UpstreamOptions and docs/contract.md.
  it.each<[keyof UpstreamOptions, string, number, number]>([
    ['pages', 'UPSTREAM_PAGES', 1, 10_000],
    ['latencyMs', 'UPSTREAM_LATENCY_MS', 0, 60_000],
    ['jitterMs', 'UPSTREAM_JITTER_MS', 0, 60_000],
    ['failureRate', 'UPSTREAM_FAILURE_RATE', 0, 1],
    ['failureStatus', 'UPSTREAM_FAILURE_STATUS', 500, 599],
    ['spikeRate', 'UPSTREAM_SPIKE_RATE', 0, 1],
    ['spikeMs', 'UPSTREAM_SPIKE_MS', 0, 60_000],
    ['resetRate', 'UPSTREAM_RESET_RATE', 0, 1],
    ['seed', 'UPSTREAM_SEED', 0, 4_294_967_295],
  ])(
    '%s (%s) accepts both ends, %d and %d, in code and from the environment',
    (key, name, min, max) => {
      for (const value of [min, max]) {
        expect(resolveUpstreamOptions({ [key]: value })[key]).toBe(value);
        expect(upstreamOptionsFromEnv({ [name]: String(value) })[key]).toBe(value);
      }
    },
  );
});

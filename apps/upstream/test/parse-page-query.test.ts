import { MAX_LATENCY_OVERRIDE_MS, parsePageQuery } from '../src/parse-page-query';

describe('parsePageQuery', () => {
  it('accepts ?latency= from 0 up to and including the documented maximum, 10000', () => {
    expect(MAX_LATENCY_OVERRIDE_MS).toBe(10_000);
    for (const ms of [0, 1, 9_999, 10_000]) {
      expect(parsePageQuery(`latency=${ms}`)).toEqual({ latencyMs: ms, fail: false });
    }
  });

  it('refuses ?latency= one past the maximum, naming the range', () => {
    expect(parsePageQuery('latency=10001')).toEqual({
      error: 'Expected `latency` to be an integer from 0 to 10000, got `10001`',
    });
  });
});

describe('parsePageQuery, given an empty value', () => {
  it.each([
    ['latency=', 'Expected `latency` to be an integer from 0 to 10000, got ``'],
    ['fail=', 'Expected `fail` to be 0 or 1, got ``'],
  ])('refuses ?%s rather than reading it as 0', (search, error) => {
    expect(parsePageQuery(search)).toEqual({ error });
  });
});

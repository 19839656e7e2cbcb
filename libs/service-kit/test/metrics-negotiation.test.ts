import { describe, expect, it } from '@jest/globals';
import { wantsOpenMetrics } from '../src/index';

describe('which format a scrape gets (Accept, with q-values)', () => {
  it.each([
    // What Prometheus 3 sends by default: OpenMetrics ranks first.
    [
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
      true,
    ],
    ['application/openmetrics-text; version=1.0.0', true],
    ['APPLICATION/OpenMetrics-Text', true],
    // Refused, or ranked below the classic format: the classic format.
    ['application/openmetrics-text;q=0', false],
    ['application/openmetrics-text;q=0, text/plain', false],
    ['text/plain;q=0.9, application/openmetrics-text;q=0.5', false],
    // Not named at all (a browser, curl, Prometheus asked for the classic format).
    ['*/*', false],
    ['text/plain;version=0.0.4', false],
    ['', false],
    [undefined, false],
    // A malformed q ignores its range, as if it were absent.
    ['application/openmetrics-text;q=abc', false],
  ])('%j → OpenMetrics: %s', (accept, expected) => {
    expect(wantsOpenMetrics(accept)).toBe(expected);
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  createProcessRegistry,
  createRestartsCounter,
  createServiceMetrics,
  metricsText,
  wantsOpenMetrics,
} from '../src/index';

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
    // Ranked as high as the classic format: at least its weight is enough.
    ['application/openmetrics-text;q=0.5, text/plain;q=0.5', true],
    ['text/*, application/openmetrics-text', true],
    // Not named at all (a browser, curl, Prometheus asked for the classic format).
    ['*/*', false],
    ['text/plain;version=0.0.4', false],
    ['', false],
    [undefined, false],
    // A malformed q ignores its range, as if it were absent.
    ['application/openmetrics-text;q=abc', false],
    ['application/openmetrics-text;q=2', false],
    ['application/openmetrics-text;q=2, text/plain;q=0.1', false],
  ])('%j → OpenMetrics: %s', (accept, expected) => {
    expect(wantsOpenMetrics(accept)).toBe(expected);
  });
});

describe('one registry scraped in both formats', () => {
  // prom-client renames counters in place for an OpenMetrics scrape; a later classic scrape of
  // the same registry must still name them `…_total`, as the contract's table does.
  it('keeps `_total` on counters in a classic scrape that follows an OpenMetrics one', async () => {
    const { registry, shedTotal } = createServiceMetrics('unit');
    shedTotal.inc({ reason: 'queue' });
    const before = await metricsText(registry, 'text/plain');
    const open = await metricsText(registry, 'application/openmetrics-text');
    const after = await metricsText(registry, 'text/plain');
    const shedLine = /^lab_shed_total\{[^}]*reason="queue"[^}]*\} 1$/m;
    expect(before.body).toMatch(shedLine);
    expect(open.contentType).toMatch(/^application\/openmetrics-text/);
    expect(open.body).toMatch(/^# TYPE lab_shed counter$/m);
    expect(open.body).toMatch(shedLine);
    expect(after.contentType).toMatch(/^text\/plain/);
    // The same families under the same names (their values move: process CPU, memory).
    const types = (body: string) => body.split('\n').filter((line) => line.startsWith('# TYPE'));
    expect(types(after.body)).toEqual(types(before.body));
    expect(after.body).toMatch(/^# TYPE lab_shed_total counter$/m);
  });
});

describe('lab_worker_restarts_total', () => {
  it('is 0 for its kind from the start: a model that never restarted shows 0, not no data', async () => {
    const registry = createProcessRegistry('unit');
    createRestartsCounter(registry, 'thread');
    const { body } = await metricsText(registry, 'text/plain');
    expect(body).toMatch(/^lab_worker_restarts_total\{[^}]*kind="thread"[^}]*\} 0$/m);
  });
});

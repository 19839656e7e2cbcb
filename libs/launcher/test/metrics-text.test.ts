import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Counter, Gauge, Histogram, Registry, type OpenMetricsContentType } from 'prom-client';
import { metricSamples, metricSum } from '../src/metrics-text';

// What the services expose is prom-client's output, so the reader is checked against it.
async function exposition(build: (registry: Registry) => void): Promise<string> {
  const registry = new Registry();
  build(registry);
  return registry.metrics();
}

describe('metricSamples / metricSum over prom-client output', () => {
  it('reads each series with its labels, and only the metric asked for', async () => {
    const text = await exposition((registers) => {
      const shed = new Counter({
        name: 'lab_shed_total',
        help: 'h',
        labelNames: ['reason', 'other_reason'],
        registers: [registers],
      });
      shed.inc({ reason: 'queue_full', other_reason: 'event_loop_delay' }, 3);
      shed.inc({ reason: 'event_loop_delay', other_reason: 'queue_full' }, 2);
      shed.inc({ reason: 'full', other_reason: 'full' }, 4);
      new Gauge({ name: 'lab_shed', help: 'h', registers: [registers] }).set(7);
    });
    expect(metricSamples(text, 'lab_shed_total')).toEqual([
      { labels: { reason: 'queue_full', other_reason: 'event_loop_delay' }, value: 3 },
      { labels: { reason: 'event_loop_delay', other_reason: 'queue_full' }, value: 2 },
      { labels: { reason: 'full', other_reason: 'full' }, value: 4 },
    ]);
    // A label's whole value, not a substring of the line: `other_reason` is not `reason`, and
    // `queue_full` is not `full`.
    expect(metricSum(text, 'lab_shed_total', { reason: 'event_loop_delay' })).toBe(2);
    expect(metricSum(text, 'lab_shed_total', { reason: 'full' })).toBe(4);
    expect(metricSum(text, 'lab_shed_total')).toBe(9);
    expect(metricSamples(text, 'lab_shed')).toEqual([{ labels: {}, value: 7 }]);
    expect(metricSum(text, 'lab_missing_total')).toBe(0);
  });

  it("keeps a histogram's _count, _sum and _bucket apart, +Inf included", async () => {
    const text = await exposition((registers) => {
      const h = new Histogram({
        name: 'task_seconds',
        help: 'h',
        buckets: [0.1],
        labelNames: ['kind'],
        registers: [registers],
      });
      h.observe({ kind: 'fib' }, 0.05);
      h.observe({ kind: 'fib' }, 0.25);
    });
    expect(metricSamples(text, 'task_seconds')).toEqual([]);
    expect(metricSum(text, 'task_seconds_count')).toBe(2);
    expect(metricSum(text, 'task_seconds_sum')).toBeCloseTo(0.3);
    expect(metricSamples(text, 'task_seconds_bucket')).toEqual([
      { labels: { le: '0.1', kind: 'fib' }, value: 1 },
      { labels: { le: '+Inf', kind: 'fib' }, value: 2 },
    ]);
  });

  it('reads an OpenMetrics answer with exemplars the same way', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    // prom-client types an exemplar's labels with the metric's own label names.
    const c = new Counter<'route' | 'traceId'>({
      name: 'requests',
      help: 'h',
      labelNames: ['route'],
      enableExemplars: true,
      registers: [registry],
    });
    c.inc({ labels: { route: '/cpu/fib' }, value: 4, exemplarLabels: { traceId: 'abc' } });
    const text = await registry.metrics();
    expect(text).toContain('# {traceId="abc"}'); // the exemplar is there to be passed over
    expect(metricSamples(text, 'requests_total')).toEqual([
      { labels: { route: '/cpu/fib' }, value: 4 },
    ]);
  });

  it('gives back any label value prom-client escaped (quotes, backslashes, newlines, braces)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // The format's own characters often, any other character sometimes.
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('"', '\\', '\n', '{', '}', ',', '=', ' '),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
          ),
        }),
        fc.integer({ min: 0, max: 1e9 }),
        async (label, n) => {
          const text = await exposition((registers) => {
            new Gauge({ name: 'g', help: 'h', labelNames: ['v'], registers: [registers] }).set(
              { v: label },
              n,
            );
          });
          expect(metricSamples(text, 'g')).toEqual([{ labels: { v: label }, value: n }]);
        },
      ),
    );
  });

  it('skips what is not a sample of the name: comments, longer names, broken lines', () => {
    const text = [
      '# HELP up h',
      '# TYPE up gauge',
      'up 1',
      'up{job="a"} 2 1700000000000',
      'uptime 9',
      'up{job="unterminated} 3',
      'up{job="a"}',
      'up NaN',
    ].join('\n');
    expect(metricSamples(text, 'up')).toEqual([
      { labels: {}, value: 1 },
      { labels: { job: 'a' }, value: 2 },
      { labels: {}, value: NaN },
    ]);
    // A NaN series is a sample, but no part of a sum.
    expect(metricSum(text, 'up')).toBe(3);
  });
});

// What the text format allows beyond prom-client's own spelling, and what it refuses: a scrape
// of another exporter, or of a proxy in between, is read as Prometheus would read it.
describe('metricSamples as the text exposition format reads a line', () => {
  it.each([
    ['two blanks before the value', 'm  7', {}, 7],
    ['a tab before the value', 'm\t7', {}, 7],
    ['a tab after the labels', 'm{a="b"}\t7', { a: 'b' }, 7],
    ['a tab before the timestamp', 'm 7\t1700000000000', {}, 7],
    ['blanks around the line', ' \tm 7 ', {}, 7],
    ['a blank between the name and {', 'm {a="b"} 7', { a: 'b' }, 7],
    ['blanks inside the braces', 'm{ a = "b" , c="d" } 7', { a: 'b', c: 'd' }, 7],
    ['a trailing comma', 'm{a="b",} 7', { a: 'b' }, 7],
    ['no labels in braces', 'm{} 7', {}, 7],
    ['a signed exponent', 'm 1.5e+3', {}, 1500],
    ['a leading point', 'm -.5', {}, -0.5],
    ['+Inf', 'm{le="+Inf"} +Inf', { le: '+Inf' }, Infinity],
    ['-Inf', 'm -Inf', {}, -Infinity],
    ['Infinity, as Go reads it', 'm Infinity', {}, Infinity],
    ['NaN', 'm NaN', {}, NaN],
    ['the three escapes', String.raw`m{a="x\"\\\ny"} 3`, { a: 'x"\\\ny' }, 3],
    ['} and , inside a label value', 'm{path="/a}b,c"} 4', { path: '/a}b,c' }, 4],
    ['an exemplar after the timestamp', 'm 4 1.5 # {t="a"} 1', {}, 4],
  ])('reads %s', (_, line, labels, value) => {
    expect(metricSamples(line, 'm')).toEqual([{ labels, value }]);
  });

  it.each([
    ['a hexadecimal value', 'm 0x10'],
    ['a binary value', 'm 0b11'],
    ['a hexadecimal float', 'm 0x1p4'],
    ['an underscore in the value', 'm 1_000'],
    ['a value out of range', 'm 1e400'],
    ['no value', 'm '],
    ['an escape the format has not (\\t)', String.raw`m{a="x\ty"} 1`],
    ['a missing comma between labels', 'm{a="x"b="y"} 1'],
    ['a label without a name', 'm{="x"} 1'],
    ['a timestamp that is no number', 'm 1 soon'],
    ['a third token', 'm 1 2 3'],
    ['a longer name', 'm_total 1'],
  ])('skips a line with %s', (_, line) => {
    expect(metricSamples(`${line}\nm 5`, 'm')).toEqual([{ labels: {}, value: 5 }]);
  });

  it('sums series however they are spaced', () => {
    expect(metricSum('m  7\nm 5\n\tm{a="b"}\t1', 'm')).toBe(13);
  });
});

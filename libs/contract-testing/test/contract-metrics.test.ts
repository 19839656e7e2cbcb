import { describe, expect, it } from '@jest/globals';
import { workspaceRoot } from '@concurrency-lab/launcher';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_METRICS, metricsViolations } from '../src/contract-metrics';

/** The rows of the table under `## Metrics` in docs/contract.md, cells trimmed. */
function metricsTable(): string[][] {
  const doc = readFileSync(join(workspaceRoot(), 'docs', 'contract.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Metrics\n'));
  const end = section.indexOf('\n## ', 1);
  return (end < 0 ? section : section.slice(0, end))
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // the header and its separator
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

const codeSpans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

describe('CONTRACT_METRICS', () => {
  it('is the metrics table of docs/contract.md: names, types and labels', () => {
    const fromDoc: Record<string, { type: string | undefined; labels: string[] }> = {};
    for (const [names = '', type = '', labels = ''] of metricsTable()) {
      if (names === 'prom-client defaults') {
        // Its cell names metrics (and, in code too, the models a note is about).
        for (const name of codeSpans(labels).filter((s) => s.includes('_')))
          fromDoc[name] = { type: undefined, labels: [] };
        continue;
      }
      for (const name of codeSpans(names)) {
        // A label is a name in code; what is in code inside its parentheses is its values.
        const values = [...labels.matchAll(/\(([^)]*)\)/g)].flatMap((m) => codeSpans(m[1] ?? ''));
        fromDoc[name] = {
          type,
          labels: codeSpans(labels).filter((s) => /^[a-z_]+$/.test(s) && !values.includes(s)),
        };
      }
    }
    const ours = Object.fromEntries(
      Object.entries(CONTRACT_METRICS).map(([name, m]) => [
        name,
        { type: m.type, labels: [...m.labels] },
      ]),
    );
    expect(Object.keys(fromDoc).length).toBeGreaterThan(12);
    expect(ours).toEqual(fromDoc);
    expect(CONTRACT_METRICS['lab_worker_restarts_total']?.values).toEqual({
      kind: ['thread', 'process'],
    });
  });
});

const TEXT = [
  '# HELP http_server_request_duration_seconds d',
  '# TYPE http_server_request_duration_seconds histogram',
  'http_server_request_duration_seconds_bucket{le="0.1",method="GET",route="/cpu/fib",status_code="200",model="m"} 1',
  'http_server_request_duration_seconds_sum{method="GET",route="/cpu/fib",status_code="200",model="m"} 0.01',
  'http_server_request_duration_seconds_count{method="GET",route="/cpu/fib",status_code="200",model="m"} 1',
  '# TYPE lab_shed_total counter',
  '# TYPE lab_worker_restarts_total counter',
  'lab_worker_restarts_total{kind="thread",model="m"} 0',
  '# TYPE lab_lock_wait_seconds histogram',
  'lab_lock_wait_seconds_count{lock="counter",model="m"} 3',
  '# TYPE lab_queue_size gauge',
  'lab_queue_size{queue="upstream-fetch",model="m"} 0',
  '# TYPE process_resident_memory_bytes gauge',
  'process_resident_memory_bytes{model="m"} 123',
  '',
].join('\n');
const FAMILIES = [
  'http_server_request_duration_seconds',
  'lab_shed_total',
  'lab_worker_restarts_total',
  'lab_lock_wait_seconds',
  'lab_queue_size',
  'process_resident_memory_bytes',
];
const check = (text: string, withSeries: string[] = []) =>
  metricsViolations(text, { model: 'm', families: FAMILIES, withSeries });

describe('metricsViolations', () => {
  it('finds none in text that keeps the contract', () => {
    expect(check(TEXT, ['lab_lock_wait_seconds', 'lab_queue_size'])).toEqual([]);
  });

  it.each([
    [
      'a series without model',
      TEXT.replace('lab_queue_size{queue="upstream-fetch",model="m"}', 'lab_queue_size{queue="x"}'),
      /^no model="m": lab_queue_size/,
    ],
    [
      'a series of another model',
      TEXT.replace(
        'process_resident_memory_bytes{model="m"}',
        'process_resident_memory_bytes{model="n"}',
      ),
      /^no model="m": process_resident_memory_bytes/,
    ],
    [
      'a series with no labels at all',
      `${TEXT}nodejs_heap_size_used_bytes 5\n`,
      /^no model="m": nodejs_heap_size_used_bytes 5/,
    ],
    [
      'a contract type changed',
      TEXT.replace('# TYPE lab_shed_total counter', '# TYPE lab_shed_total gauge'),
      /^lab_shed_total: # TYPE gauge, the contract's is counter$/,
    ],
    [
      'a contract metric missing',
      TEXT.replace('# TYPE lab_shed_total counter\n', ''),
      /^lab_shed_total: no # TYPE line/,
    ],
    [
      'a histogram bucket without its route',
      TEXT.replace('le="0.1",method="GET",route="/cpu/fib",', 'le="0.1",method="GET",'),
      /^no route label: http_server_request_duration_seconds_bucket/,
    ],
    [
      'a lock histogram without lock',
      TEXT.replace('lab_lock_wait_seconds_count{lock="counter",', 'lab_lock_wait_seconds_count{'),
      /^no lock label: lab_lock_wait_seconds_count/,
    ],
    [
      'a queue gauge without queue',
      TEXT.replace('{queue="upstream-fetch",model="m"}', '{model="m"}'),
      /^no queue label: lab_queue_size/,
    ],
    [
      'a restart kind the contract does not list',
      TEXT.replace('kind="thread"', 'kind="fiber"'),
      /^kind="fiber", not one of thread\|process/,
    ],
  ])('reports %s', (_label, text, reason) => {
    const violations = check(text);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(reason);
  });

  it('reports a family that must have series and has none (the label check saw nothing)', () => {
    expect(check(TEXT, ['lab_shed_total'])).toEqual(['lab_shed_total: no series']);
  });
});

import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { close, listen } from '@concurrency-lab/launcher/testing';
import { fetchMetrics, shedReasons } from '../src/probes/metrics-text';

describe('shedReasons', () => {
  it("sums each reason over every process's series and leaves out the reasons that shed none", () => {
    const text = [
      '# TYPE lab_shed_total counter',
      'lab_shed_total{reason="queue_full",pid="1"} 2',
      'lab_shed_total{reason="event_loop_delay",pid="1"} 0',
      'lab_shed_total{reason="queue_full",pid="2"} 3',
      'lab_shed_total{reason="event_loop_delay",pid="2"} 4',
      'lab_shed_total_created{reason="queue_full"} 1700000000',
    ].join('\n');
    expect(shedReasons(text)).toBe('queue_full 5, event_loop_delay 4');
  });

  it('says none when nothing was shed', () => {
    expect(shedReasons('lab_shed_total{reason="queue_full"} 0\n')).toBe('none');
    expect(shedReasons('')).toBe('none');
  });
});

describe('fetchMetrics', () => {
  it('takes the text of a 200 only: a failing /metrics is a gap, not figures', async () => {
    let status = 500;
    const server = createServer((_req, res) =>
      res.writeHead(status).end('nodejs_heap_size_used_bytes 5\n'),
    );
    const base = await listen(server);
    try {
      expect(await fetchMetrics(base)).toBeUndefined();
      status = 200; // control
      expect(await fetchMetrics(base)).toBe('nodejs_heap_size_used_bytes 5\n');
    } finally {
      await close(server);
    }
  });
});

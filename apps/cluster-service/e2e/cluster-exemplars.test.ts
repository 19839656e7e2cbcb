import { ADMISSION_OFF, appEntry, launch } from '@concurrency-lab/launcher';
import { tracedCluster } from './support/traced-cluster';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';
/** A latency bucket of /cpu/fib followed by an exemplar: the trace id is captured. */
const FIB_BUCKET_EXEMPLAR =
  /^http_server_request_duration_seconds_bucket\{[^}]*route="\/cpu\/fib"[^}]*\} \d+ # \{trace_id="([0-9a-f]{32})"\} [\d.e+-]+ [\d.]+$/gm;

describe('cluster-service exemplars: the model-wide latency histogram links to traces', () => {
  const traced = tracedCluster();

  it('an OpenMetrics scrape carries a trace id on the buckets of traced requests, from every worker; a classic scrape none', async () => {
    const service = await traced.launch();
    try {
      // Enough requests, on fresh connections, that both workers answer some.
      const pids = new Set<number>();
      for (let i = 0; i < 40 && pids.size < 2; i++) {
        const response = await fetch(`${service.url}/cpu/fib?n=${i % 5}`, {
          headers: { connection: 'close' },
        });
        pids.add(((await response.json()) as { pid: number }).pid);
      }
      expect(pids.size).toBe(2);

      const openMetrics = await fetch(`${service.url}/metrics`, {
        headers: { accept: OPENMETRICS },
      });
      expect(openMetrics.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
      const body = await openMetrics.text();
      expect(body.endsWith('# EOF\n')).toBe(true);
      const traceIds = [...body.matchAll(FIB_BUCKET_EXEMPLAR)].map((m) => m[1]);
      expect(traceIds.length).toBeGreaterThan(0);

      const classic = await fetch(`${service.url}/metrics`);
      expect(classic.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const classicBody = await classic.text();
      expect(classicBody).toMatch(
        /^http_server_request_duration_seconds_bucket\{.*route="\/cpu\/fib"/m,
      );
      expect(classicBody).not.toContain('# {');

      expect(await service.stop()).toEqual({ code: 0, signal: null });
      // Every exemplar names a trace that was exported: the server span of a /cpu/fib request.
      for (const id of traceIds) {
        expect(
          traced.receiver.spans.some(
            (s) => s.traceId === id && s.kind === 2 && s.attributes['http.route'] === '/cpu/fib',
          ),
        ).toBe(true);
      }
    } finally {
      await service.stop();
    }
  }, 30_000);

  it('negative control: untraced, the same OpenMetrics scrape has no exemplar', async () => {
    const service = await launch(appEntry('cluster-service'), {
      env: { WORKERS: '2', ...ADMISSION_OFF },
    });
    try {
      await fetch(`${service.url}/cpu/fib?n=3`);
      const body = await (
        await fetch(`${service.url}/metrics`, { headers: { accept: OPENMETRICS } })
      ).text();
      expect(body).toMatch(/^http_server_request_duration_seconds_bucket\{.*route="\/cpu\/fib"/m);
      expect(body).not.toContain('# {trace_id=');
    } finally {
      await service.stop();
    }
  }, 30_000);
});

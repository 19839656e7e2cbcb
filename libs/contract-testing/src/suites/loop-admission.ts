import { metricSum } from '@concurrency-lab/launcher';
import { describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import type { ContractContext } from '../contract-target';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** `count` keep-alive connections, opened (one cheap request each) before they are used. */
async function connections(base: string, count: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: count });
  const get = (path: string) =>
    new Promise<Answer>((resolve, reject) => {
      const req = request(`${base}${path}`, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            body,
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(Array.from({ length: count }, () => get('/healthz')));
  return {
    /** One request per connection, all written at once: they reach the loop together. */
    wave: (path: string) => Array.from({ length: count }, () => get(path)),
    get,
    close: () => agent.destroy(),
  };
}

const WAVE = 12;

/**
 * Event-loop admission, on a model whose CPU work runs on its HTTP event loop (async, cluster),
 * with the default thresholds: a wave of CPU work that reaches the loop at once stalls it, and
 * what arrives during the stall is refused with 503 + Retry-After
 * (`lab_shed_total{reason="event_loop_delay"}`), while `/healthz` is answered. (Where CPU work
 * runs in a pool the loop stays free; the pending-work bound is their admission, tested under
 * pressure.)
 */
export function describeLoopAdmission(ctx: ContractContext): void {
  const { target, workers } = ctx;
  if (!target.cpuOnLoop) return;
  describe(`event-loop admission: ${target.model}`, () => {
    it('refuses work that arrives while CPU work stalls the loop, never /healthz or a bad parameter (400), and counts why', async () => {
      const service = await target.start({ WORKERS: workers });
      const first = await connections(service.url, WAVE * Number(workers));
      const second = await connections(service.url, WAVE * Number(workers));
      const third = await connections(service.url, 1);
      try {
        // ~60 ms of fib(33) each, WAVE per process, admitted together or nearly: the loop is
        // stuck with them. The second wave goes once the first answer shows it is.
        const stalling = first.wave('/cpu/fib?n=33');
        await Promise.race(stalling);
        const arriving = second.wave('/cpu/fib?n=33');
        const health = second.get('/healthz');
        // A refused parameter arriving with them is refused, not shed: "before admission, at
        // any load". On a connection of its own, opened already, so that it is read with them.
        const badParameter = third.get('/cpu/fib?n=41');
        const answers = await Promise.all([...stalling, ...arriving]);
        expect((await health).status).toBe(200);
        const refusedParameter = await badParameter;
        expect({
          ...refusedParameter,
          body: (JSON.parse(refusedParameter.body) as { code?: unknown }).code,
        }).toEqual({ status: 400, retryAfter: undefined, body: 'ERR_INVALID_PARAM' });
        const refused = answers.filter((a) => a.status === 503);
        expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
        expect(refused.length).toBeGreaterThan(0);
        for (const a of refused) {
          expect(a.retryAfter).toBe('1');
          expect(JSON.parse(a.body)).toMatchObject({ status: 503, code: 'ERR_OVERLOADED' });
        }
        const metrics = await first.get('/metrics');
        expect(metricSum(metrics.body, 'lab_shed_total', { reason: 'event_loop_delay' })).toBe(
          refused.length,
        );
      } finally {
        first.close();
        second.close();
        third.close();
        await service.stop();
      }
    }, 60_000);
  });
}

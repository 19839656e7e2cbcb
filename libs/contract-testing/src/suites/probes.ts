import { describe, expect, it } from '@jest/globals';
import { CONTRACT_REQUEST_TIMEOUT_MS, type ContractContext } from '../contract-target';
import { rawAnswer } from '../raw-answer';

/** Liveness, readiness, `/info`, `/metrics` and the headers every answer carries. */
export function describeProbes(ctx: ContractContext): void {
  const { model } = ctx.target;
  describe('probes and metadata', () => {
    it('answers liveness and readiness', async () => {
      expect((await fetch(`${ctx.base()}/healthz`)).status).toBe(200);
      expect((await fetch(`${ctx.base()}/readyz`)).status).toBe(200);
    });

    it('describes itself on /info', async () => {
      const info = (await (await fetch(`${ctx.base()}/info`)).json()) as Record<string, unknown>;
      expect(info).toMatchObject({ model, node: expect.stringMatching(/^v24\./) });
      expect(info['pid']).toEqual(expect.any(Number));
      expect(info['workers']).toEqual(expect.any(Number));
      expect(info['cpus']).toEqual(expect.any(Number));
      expect(info['limits']).toMatchObject({
        maxQueue: expect.any(Number),
        requestTimeoutMs: CONTRACT_REQUEST_TIMEOUT_MS,
      });
    });

    it('exposes Prometheus metrics labelled with the model and the route template', async () => {
      await fetch(`${ctx.base()}/cpu/fib?n=3`);
      const text = await (await fetch(`${ctx.base()}/metrics`)).text();
      expect(text).toMatch(
        new RegExp(
          `http_server_request_duration_seconds_count\\{(?=[^}]*route="/cpu/fib")(?=[^}]*model="${model}")[^}]*\\} [1-9]`,
        ),
      );
      expect(text).not.toMatch(/route="\/cpu\/fib\?/);
      for (const name of [
        'http_server_active_requests',
        'lab_eventloop_utilization',
        'process_resident_memory_bytes',
      ]) {
        expect(text).toContain(`${name}{`);
      }
    });

    it('answers a GET sent If-None-Match: * 304 (the resource exists); an entity tag matches nothing', async () => {
      // RFC 9110 §13.1.2. The services send no ETag, so a tag a client made up gets the answer.
      // Written raw, not with fetch: fetch adds `Cache-Control: no-cache` to a conditional
      // request (the Fetch standard's cache mode), which asks for the full answer.
      const ifNoneMatch = async (value: string) => {
        const response = await rawAnswer(
          ctx.base(),
          `GET /healthz HTTP/1.1\r\nHost: t\r\nIf-None-Match: ${value}\r\nConnection: close\r\n\r\n`,
        );
        return { status: response.status, body: await response.text() };
      };
      expect(await ifNoneMatch('*')).toEqual({ status: 304, body: '' });
      expect((await ifNoneMatch('W/"made-up"')).status).toBe(200);
    });

    it('sends security headers and no x-powered-by', async () => {
      const response = await fetch(`${ctx.base()}/healthz`);
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });
}

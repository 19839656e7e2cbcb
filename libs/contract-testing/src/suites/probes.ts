import { describe, expect, it } from '@jest/globals';
import { metricsViolations } from '../contract-metrics';
import {
  COMMON_METRICS,
  CONTRACT_REQUEST_TIMEOUT_MS,
  type ContractContext,
} from '../contract-target';
import { rawAnswer } from '../raw-answer';

/**
 * Families whose labels the metrics check must see on at least one series: the parts before
 * this one give every model some (a scrape queues upstream fetches, safe increments take the
 * counter's lock); without them the label check would look at nothing.
 */
const OBSERVED_BY_NOW = [
  'http_server_request_duration_seconds',
  'lab_lock_wait_seconds',
  'lab_lock_hold_seconds',
  'lab_queue_size',
  'lab_queue_wait_seconds',
] as const;

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
      // WORKERS: "threads or processes" — the number the suite started it with.
      expect(info['workers']).toBe(Number(ctx.workers));
      expect(info['cpus']).toEqual(expect.any(Number));
      // The contract does not list `limits`' members: these two are the suite's own reading,
      // their values the configuration it started the service with (MAX_QUEUE's default).
      expect(info['limits']).toMatchObject({
        maxQueue: 1000,
        requestTimeoutMs: CONTRACT_REQUEST_TIMEOUT_MS,
      });
      // "`runner`: the model's work runner's counts — queued, running, completed, …"
      const runner = info['runner'] as Record<string, unknown> | undefined;
      expect({
        queued: runner?.['queued'],
        running: runner?.['running'],
        completed: runner?.['completed'],
      }).toEqual({
        queued: expect.any(Number),
        running: expect.any(Number),
        completed: expect.any(Number),
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
      // Every series `model`, every contract metric its type and labels (docs/contract.md).
      expect(
        metricsViolations(text, {
          model,
          families: [...COMMON_METRICS, ...(ctx.target.metrics ?? [])],
          withSeries: OBSERVED_BY_NOW,
        }),
      ).toEqual([]);
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

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMISSION_OFF, type ServiceProcess } from '@concurrency-lab/launcher';
import { closedUrl } from '@concurrency-lab/launcher/testing';
import type { ContractContext } from '../contract-target';
import { expectProblem } from '../problem-assertions';
import { rawAnswer } from '../raw-answer';

/**
 * The connection limits and the upstream's failure, on a service of its own with small limits:
 * where HTTP is served by worker processes (cluster, hybrid), this proves each `HTTP_*`
 * variable reached them — the kit's own tests cannot, they run one process.
 */
export function describeLimits(ctx: ContractContext): void {
  const { target, workers } = ctx;
  describe(`contract limits: ${target.model}`, () => {
    let service: ServiceProcess | undefined;
    const base = () => {
      if (!service) throw new Error('the limits service did not start (see beforeAll)');
      return service.url;
    };

    beforeAll(async () => {
      service = await target.start({
        ...ADMISSION_OFF,
        WORKERS: workers,
        HTTP_MAX_HEADER_SIZE: '1024',
        HTTP_HEADERS_TIMEOUT_MS: '300',
        HTTP_REQUEST_TIMEOUT_MS: '600',
        HTTP_CONNECTIONS_CHECK_INTERVAL_MS: '50',
        UPSTREAM_URL: await closedUrl(),
      });
    }, 60_000);

    afterAll(async () => {
      expect(await service?.stop()).toEqual({ code: 0, signal: null });
    }, 30_000);

    it('431s headers over the HTTP_MAX_HEADER_SIZE it was given (1 KiB), and not under it', async () => {
      const request = (bytes: number) =>
        rawAnswer(
          base(),
          `GET /healthz HTTP/1.1\r\nHost: t\r\nX-Pad: ${'a'.repeat(bytes)}\r\nConnection: close\r\n\r\n`,
        );
      // The control: the same request, its headers under the limit.
      expect((await request(600)).status).toBe(200);
      await expectProblem(await request(1500), 431, 'ERR_HEADERS_TOO_LARGE');
    });

    it('408s headers that stop coming, after HTTP_HEADERS_TIMEOUT_MS, with Connection: close', async () => {
      const response = await rawAnswer(base(), 'GET /healthz HTTP/1.1\r\nHost: t\r\n');
      // What the HTTP server refuses itself is "answered with Connection: close" (the request
      // never asked for it).
      expect(response.headers.get('connection')).toBe('close');
      const problem = await expectProblem(response, 408, 'ERR_REQUEST_TIMEOUT');
      expect(problem.detail).toContain('300 ms');
    });

    it('408s a body that stops coming, after HTTP_REQUEST_TIMEOUT_MS, with Connection: close', async () => {
      const response = await rawAnswer(
        base(),
        'POST /image/filter?filter=blur HTTP/1.1\r\nHost: t\r\nContent-Type: image/png\r\n' +
          'Content-Length: 100\r\n\r\nabc',
      );
      expect(response.headers.get('connection')).toBe('close');
      const problem = await expectProblem(response, 408, 'ERR_REQUEST_TIMEOUT');
      expect(problem.detail).toContain('600 ms');
    });

    it('502s a scrape when every page fails, naming the upstream', async () => {
      const problem = await expectProblem(
        await fetch(`${base()}/io/scrape?pages=3`),
        502,
        'ERR_UPSTREAM',
      );
      expect(problem.detail).toContain('All 3 pages failed');
      // The service lives on.
      expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    });
  });
}

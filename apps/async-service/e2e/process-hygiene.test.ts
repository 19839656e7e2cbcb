/**
 * Process hygiene, on a real async-service process: an uncaught exception or an unhandled
 * rejection — raised here by an operator's workload (`LAB_WORKLOAD`) that answers and leaves a
 * failing callback behind — is logged once at `fatal` with the trace id of the request whose
 * work failed, the spans already ended are flushed to a real OTLP receiver, and the process
 * exits non-zero. The negative control kills the same process with SIGKILL (no handler runs):
 * the batch that was waiting for its 5 s schedule never arrives.
 */
import { faultyWorkload } from '@concurrency-lab/contract-testing';
import { ADMISSION_OFF, appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';
import { listen } from '@concurrency-lab/launcher/testing';
import { FATAL_EXIT_CODE } from '@concurrency-lab/service-kit';
import { startOtlpReceiver, type OtlpReceiver } from '@concurrency-lab/telemetry';
import { createServer, type Socket } from 'node:net';

interface FatalLine {
  level: number;
  msg: string;
  kind?: string;
  traceId?: string;
  err?: { code?: string };
}

/** pino's number for `fatal`. */
const FATAL = 60;

describe('async-service: a fatal error is logged with its trace, spans flushed, exit non-zero', () => {
  let receiver: OtlpReceiver;
  let service: ServiceProcess | undefined;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await receiver.close();
  });

  const start = async (workload: Parameters<typeof faultyWorkload>[0]) =>
    (service = await launch(appEntry('async-service'), {
      env: {
        LAB_WORKLOAD: faultyWorkload(workload),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        // the default schedule: a batch waits up to 5 s, so only a flush delivers it sooner
        OTEL_BSP_SCHEDULE_DELAY: '5000',
        ...ADMISSION_OFF,
      },
    }));

  it.each([
    ['uncaughtException', 'ERR_FIXTURE_UNCAUGHT'],
    ['unhandledRejection', 'ERR_FIXTURE_REJECTED'],
  ] as const)(
    '%s',
    async (kind, code) => {
      const running = await start(kind);
      expect((await fetch(`${running.url}/cpu/fib?n=5`)).status).toBe(200);
      const answer = await fetch(`${running.url}/work/custom`);
      expect(answer.status).toBe(200); // the request itself succeeded; what it left behind did not

      expect(await running.exited).toEqual({ code: FATAL_EXIT_CODE, signal: null });
      const fatal = running.logs<FatalLine>().filter((l) => l.level === FATAL);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ kind, err: { code } });
      // The trace id logged is the failing request's, and its spans reached the receiver.
      const custom = receiver.spans.find(
        (s) => s.kind === 2 && s.attributes['http.route'] === '/work/custom',
      );
      expect(custom?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(fatal[0]?.traceId).toBe(custom?.traceId);
      expect(receiver.spans.some((s) => s.attributes['http.route'] === '/cpu/fib')).toBe(true);
    },
    30_000,
  );

  it('negative control: killed with no handler running, the waiting batch is lost', async () => {
    const running = await start('uncaughtException');
    expect((await fetch(`${running.url}/cpu/fib?n=5`)).status).toBe(200);
    expect(await running.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(receiver.spans).toEqual([]);
    expect(running.logs<FatalLine>().filter((l) => l.level === FATAL)).toEqual([]);
  });
});

describe('async-service: SIGTERM with a collector that never answers', () => {
  it('exits 0 once its span flush gives up (2 s), not after the exporter’s own 10 s', async () => {
    // Accepts the exporter's connections and never answers them: a collector that hangs.
    const sockets: Socket[] = [];
    const collector = createServer((socket) => sockets.push(socket.on('error', () => undefined)));
    const collectorUrl = await listen(collector);
    const running = await launch(appEntry('async-service'), {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_TRACES_SAMPLER: 'always_on',
        ...ADMISSION_OFF,
      },
    });
    try {
      for (let i = 0; i < 5; i++) {
        expect((await fetch(`${running.url}/io/sleep?ms=1`)).status).toBe(200);
      }
      // SIGKILL after 6 s: waiting out the exporter (10 s) shows as a kill, not a slow pass.
      expect(await running.stop('SIGTERM', 6000)).toEqual({ code: 0, signal: null });
      const stopping = running.logs<{ msg?: string; spans?: string }>();
      expect(stopping.find((l) => l.msg === 'the last spans were not exported')?.spans).toBe(
        'timed out',
      );
    } finally {
      await running.stop('SIGKILL');
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => collector.close(resolve));
    }
  }, 30_000);
});

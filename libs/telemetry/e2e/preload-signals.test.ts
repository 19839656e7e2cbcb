import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { otlpReceiverFixture } from '../src/testing';

/** The built preload, as `node --require @concurrency-lab/telemetry/preload` loads it. */
const PRELOAD = join(__dirname, '..', 'dist', 'preload.js');

interface Program {
  child: ChildProcessWithoutNullStreams;
  /** The lines it printed so far. */
  lines: string[];
  /** What it wrote to stderr so far. */
  stderr: () => string;
}

/**
 * Runs `fixtures/preload-signal.js` under the preload, exporting to `endpoint`, and resolves once
 * it has recorded its span. The batch processor's delay is a minute, so a span only leaves the
 * process when something flushes it.
 */
async function program(endpoint: string, mode?: string): Promise<Program> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')),
  );
  const child = spawn(
    process.execPath,
    [
      '--require',
      PRELOAD,
      join(__dirname, 'fixtures', 'preload-signal.js'),
      ...(mode ? [mode] : []),
    ],
    {
      env: {
        ...inherited,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '60000',
      },
      stdio: 'pipe',
    },
  );
  const lines: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    lines.push(...chunk.split('\n').filter((line) => line !== ''));
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await until(() => lines.includes('ready'), child);
  return { child, lines, stderr: () => stderr };
}

/** Waits for `condition`, 10 s at most; fails sooner if the child exits first. */
async function until(condition: () => boolean, child: ChildProcessWithoutNullStreams) {
  for (const deadline = Date.now() + 10_000; !condition(); await sleep(10)) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the child exited (${child.exitCode ?? child.signalCode}) first`);
    if (Date.now() > deadline) throw new Error('timed out');
  }
}

/** How the child ended, as its parent sees it; SIGKILLed (and failed) if it lives on 10 s. */
async function exitOf(child: ChildProcessWithoutNullStreams) {
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code, signal] = await exited;
  clearTimeout(timer);
  return { code, signal };
}

describe('the preload exports the buffered spans when a signal ends the program', () => {
  const receiver = otlpReceiverFixture();
  const names = () => receiver.spans.map((span) => span.name);
  let running: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    if (running?.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
    running = undefined;
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s, and the program still dies by that signal',
    async (signal) => {
      const { child } = await program(receiver.url);
      running = child;
      child.kill(signal);
      expect(await exitOf(child)).toEqual({ code: null, signal });
      expect(names()).toEqual(['before-signal']);
    },
  );

  it('negative control: the same program killed without a flush (SIGKILL) loses its spans', async () => {
    const { child } = await program(receiver.url);
    running = child;
    child.kill('SIGKILL');
    expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(names()).toEqual([]);
  });

  it('leaves the end to a program with its own SIGTERM listener, and flushes alongside', async () => {
    const { child, lines } = await program(receiver.url, 'own-listener');
    running = child;
    child.kill('SIGTERM');
    await until(() => lines.includes('handled') && names().length > 0, child);
    expect(names()).toEqual(['before-signal']);
    // Still running, its listener called once: the signal was not raised again behind it.
    expect({ code: child.exitCode, signal: child.signalCode }).toEqual({
      code: null,
      signal: null,
    });
    child.stdin.end();
    expect(await exitOf(child)).toEqual({ code: 7, signal: null });
    expect(lines).toEqual(['ready', 'handled']);
  });

  it("does not take signal-exit's listener for the program's: the program dies by SIGTERM", async () => {
    const { child, lines } = await program(receiver.url, 'signal-exit');
    running = child;
    child.kill('SIGTERM');
    expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(names()).toEqual(['before-signal']);
    expect(lines).toEqual(['ready', 'exit hook']);
  });

  it('waits 2 s at most for a collector that does not answer, then dies by the signal', async () => {
    // A collector that takes the connection and never answers: the exporter would wait 10 s.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const { port } = silent.address() as { port: number };
      const { child, stderr } = await program(`http://127.0.0.1:${port}`);
      running = child;
      const sent = Date.now();
      child.kill('SIGTERM');
      expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGTERM' });
      // The control of the bound: the flush was waited for (and the request did arrive).
      expect(Date.now() - sent).toBeGreaterThanOrEqual(1900);
      expect(Date.now() - sent).toBeLessThan(6000);
      expect(sockets.length).toBeGreaterThan(0);
      expect(stderr()).toContain('spans were not exported: timed out');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SPAN_FLUSH_TIMEOUT_MS } from '../src/flush-spans';
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
 * Starts `fixtures/preload-signal.js` under the preload, after the modules `before` (each
 * `--require`d ahead of it, as a host's own would be), exporting to `endpoint`. The batch
 * processor's delay is a minute, so a span only leaves the process when something flushes it.
 */
function spawnProgram(endpoint: string, mode?: string, before: string[] = []): Program {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')),
  );
  const child = spawn(
    process.execPath,
    [
      ...before.flatMap((module) => ['--require', join(__dirname, 'fixtures', module)]),
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
  return { child, lines, stderr: () => stderr };
}

/** `spawnProgram`, resolved once the program has recorded its span. */
async function program(endpoint: string, mode?: string, before?: string[]): Promise<Program> {
  const started = spawnProgram(endpoint, mode, before);
  await until(() => started.lines.includes('ready'), started.child);
  return started;
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

  /**
   * Starts the program against a collector that takes each connection and never answers (the
   * exporter would wait its own 10 s), sends it SIGTERM, and runs `body` with the program, the
   * sockets the collector took and when the signal was sent; closes the sockets after.
   */
  async function sigtermWithSilentCollector(
    body: (run: Program & { sockets: Socket[]; sent: number }) => Promise<void>,
  ): Promise<void> {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const { port } = silent.address() as { port: number };
      const started = await program(`http://127.0.0.1:${port}`);
      running = started.child;
      const sent = Date.now();
      started.child.kill('SIGTERM');
      await body({ ...started, sockets, sent });
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }

  it('negative control: the same program killed without a flush (SIGKILL) loses its spans', async () => {
    const { child } = await program(receiver.url);
    running = child;
    child.kill('SIGKILL');
    expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(names()).toEqual([]);
  });

  it.each([
    ['a program with its own SIGTERM listener', 'own-listener', [], 'handled', 7],
    // `once`: Node takes such a listener off before calling it; ours, put first, still sees it.
    [
      "a host's once-listener registered before the preload",
      undefined,
      ['host-sigterm-first.js'],
      'host shutting down',
      3,
    ],
  ] as const)(
    'leaves the end to %s, and flushes alongside',
    async (_who, mode, before, handled, code) => {
      const { child, lines } = await program(receiver.url, mode, [...before]);
      running = child;
      child.kill('SIGTERM');
      await until(() => lines.includes(handled) && names().length > 0, child);
      expect(names()).toEqual(['before-signal']);
      // Still running, its listener called once: the signal was not raised again behind it.
      expect({ code: child.exitCode, signal: child.signalCode }).toEqual({
        code: null,
        signal: null,
      });
      child.stdin.end();
      expect(await exitOf(child)).toEqual({ code, signal: null });
      expect(lines).toEqual(['ready', handled]);
    },
  );

  it.each(['signal-exit', 'signal-exit-v4'])(
    "does not take %s's listener for the program's: the program dies by SIGTERM",
    async (mode) => {
      const { child, lines } = await program(receiver.url, mode);
      running = child;
      child.kill('SIGTERM');
      expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGTERM' });
      expect(names()).toEqual(['before-signal']);
      expect(lines).toEqual(['ready', 'exit hook']);
    },
  );

  it('exports the spans of a program that ends by itself', async () => {
    const { child, lines } = spawnProgram(receiver.url, 'ends');
    running = child;
    // 'close', not 'exit': only then has all it wrote been read from the pipe.
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    expect({ code, signal, lines }).toEqual({ code: 0, signal: null, lines: ['ready'] });
    // The receiver kept the span before it answered the export the program waited for.
    expect(names()).toEqual(['before-signal']);
  });

  it('waits 2 s at most for a collector that does not answer, then dies by the signal', async () => {
    await sigtermWithSilentCollector(async ({ child, stderr, sockets, sent }) => {
      expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGTERM' });
      // The control of the bound: the flush was waited for (and the request did arrive).
      expect(Date.now() - sent).toBeGreaterThanOrEqual(1900);
      expect(Date.now() - sent).toBeLessThan(6000);
      expect(sockets.length).toBeGreaterThan(0);
      expect(stderr()).toContain('spans were not exported: timed out');
    });
  });

  it('dies at once by a second signal that comes while the spans go out', async () => {
    // The collector that never answers: the flush would take its whole 2 s.
    await sigtermWithSilentCollector(async ({ child, stderr, sockets, sent }) => {
      // The flush is under way once its export reached the collector: then the second Ctrl-C.
      await until(() => sockets.length > 0, child);
      child.kill('SIGTERM');
      expect(await exitOf(child)).toEqual({ code: null, signal: 'SIGTERM' });
      // Not kept waiting for the flush: it never timed out. Waited for (as one signal is, the
      // test above), the exit could come no sooner than the bound after the first signal, and
      // its warning before it.
      expect(stderr()).not.toContain('spans were not exported');
      expect(Date.now() - sent).toBeLessThan(SPAN_FLUSH_TIMEOUT_MS);
    });
  });
});

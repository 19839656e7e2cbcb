// Entry point: only ever run (`node dist/main.js`), never imported — it listens and installs
// signal handlers on load. Import `createUpstreamServer` from the package index instead.
import {
  claimLifeline,
  ConfigError,
  envInt,
  LIFELINE_ENV,
  LIFELINE_LOST_MESSAGE,
  LIFELINE_REASON,
  watchLifeline,
} from '@concurrency-lab/service-kit/env';
import { UPSTREAM } from '@concurrency-lab/models';
import { z } from 'zod';
import { drainable } from './drain';
import { createUpstreamServer, readUpstreamEnv } from './index';

/** Past this, in-flight requests (e.g. a 60 s latency) are cut so shutdown cannot hang. */
const FORCE_CLOSE_AFTER_MS = 10_000;

function log(
  stream: NodeJS.WriteStream,
  level: string,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  stream.write(`${JSON.stringify({ level, msg, service: 'upstream', ...fields })}\n`);
}

/**
 * The listening address; `PORT=0` lets the OS pick (the line `listening` then says which). And
 * `LAB_LIFELINE`, as the services read it: the launcher sets it.
 */
const LISTEN_ENV = { PORT: envInt(0, 65535), HOST: z.string().min(1), ...LIFELINE_ENV };

function main(): void {
  // One reading of every variable: an error names all the bad ones, not those of a first group.
  const { options, values: listenAt } = readUpstreamEnv(process.env, LISTEN_ENV);
  claimLifeline(listenAt.LAB_LIFELINE);
  const host = listenAt.HOST ?? '127.0.0.1';
  const port = listenAt.PORT ?? UPSTREAM.port;
  const server = createUpstreamServer(options);
  const drain = drainable(server);

  server.on('error', (error) => {
    log(process.stderr, 'error', error.message);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    // With PORT=0 the OS picks the port; callers learn it from this line.
    const actual = typeof address === 'object' && address !== null ? address.port : port;
    log(process.stdout, 'info', 'listening', { port: actual, host });
  });

  let stopping = false;
  const stop = (why: { signal: NodeJS.Signals } | { reason: typeof LIFELINE_REASON }): void => {
    if (stopping) return;
    stopping = true;
    log(process.stdout, 'info', 'stopping', why);
    server.close(() => process.exit(0));
    // Keep-alive sockets would otherwise hold close() open until they time out.
    drain();
    setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS).unref();
  };
  const onSignal = (signal: NodeJS.Signals) => stop({ signal });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // The launcher is gone: nobody will send the SIGTERM. It most likely read this output too: a
  // line written now fails (EPIPE), which must not end the process before its drain does.
  watchLifeline(listenAt.LAB_LIFELINE, () => {
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    log(process.stdout, 'warn', LIFELINE_LOST_MESSAGE, { lifeline: listenAt.LAB_LIFELINE });
    stop({ reason: LIFELINE_REASON });
  });
}

try {
  main();
} catch (error) {
  const code = (error as { code?: unknown } | null)?.code;
  log(
    process.stderr,
    'error',
    error instanceof Error ? error.message : String(error),
    typeof code === 'string' ? { code } : {},
  );
  // A bad variable exits 2, as the model services' configuration does; anything else 1.
  process.exit(error instanceof ConfigError ? 2 : 1);
}

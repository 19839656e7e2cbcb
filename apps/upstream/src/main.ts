// Entry point: only ever run (`node dist/main.js`), never imported — it listens and installs
// signal handlers on load. Import `createUpstreamServer` from the package index instead.
import { createUpstreamServer, upstreamOptionsFromEnv } from './index';

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

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 3100;
  const port = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(port <= 65535))
    throw new Error(`Expected \`PORT\` to be an integer from 0 to 65535, got \`${raw}\``);
  return port;
}

function main(): void {
  const host = process.env['HOST']?.trim() || '127.0.0.1';
  const port = portFromEnv(process.env['PORT']);
  const server = createUpstreamServer(upstreamOptionsFromEnv(process.env));

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
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(process.stdout, 'info', 'stopping', { signal });
    server.close(() => process.exit(0));
    // Keep-alive sockets would otherwise hold close() open until they time out.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (error) {
  log(process.stderr, 'error', error instanceof Error ? error.message : String(error));
  process.exit(1);
}

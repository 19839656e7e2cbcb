import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Prepares `server` for a drain and returns the function that starts it: idle keep-alive
 * connections close at once, and every answer in flight says `Connection: close`, so its
 * connection ends with it. Without this, a connection busy at the signal goes back to keep-alive
 * after its answer and holds `server.close()` open until `keepAliveTimeout` (5 s): every stop of
 * the fleet paid it. (Node does neither while closing.) A request still arriving at the signal
 * keeps keep-alive; main's force-close bounds that rare case.
 */
export function drainable(server: Server): () => void {
  const inFlight = new Set<ServerResponse>();
  function answered(this: ServerResponse): void {
    inFlight.delete(this);
  }
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', answered);
  });
  return () => {
    // Read when the headers are written: an answer whose headers are already out keeps its own.
    for (const res of inFlight) res.shouldKeepAlive = false;
    server.closeIdleConnections();
  };
}

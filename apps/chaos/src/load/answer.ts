import type { IncomingMessage } from 'node:http';
import type { Outcome } from './load-stats';

/** The body as text (answers here are small JSON); rejects when the connection breaks mid-way. */
export function readAnswer(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (body.length < 64 * 1024) body += chunk;
    });
    res.on('end', () => resolve(body));
    res.on('error', reject);
    res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
  });
}

export function answerOf(
  res: IncomingMessage,
  body: string,
  latencyMs: number,
): Outcome & { kind: 'answer' } {
  const header = (name: string) => {
    const value = res.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  let pid = Number(header('x-pid'));
  let code: string | undefined;
  if (body.startsWith('{')) {
    try {
      const json = JSON.parse(body) as { pid?: unknown; code?: unknown };
      if (!Number.isInteger(pid) && typeof json.pid === 'number') pid = json.pid;
      if (typeof json.code === 'string') code = json.code;
    } catch {
      // not JSON after all (a body cut at 64 KiB): no pid, no code
    }
  }
  return {
    kind: 'answer',
    status: res.statusCode ?? 0,
    latencyMs,
    retryAfter: header('retry-after'),
    pid: Number.isInteger(pid) ? pid : undefined,
    code,
    body,
  };
}

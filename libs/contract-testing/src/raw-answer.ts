import { rawExchange } from './fuzz/raw-exchange';

/** The Fetch standard's null body statuses (101 is never an answer here: rawExchange skips 1xx). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * What comes back for `request` written as is on a new connection, as a fetch `Response`: for
 * what fetch cannot send (a body announced and never sent, headers never finished, broken
 * framing, not HTTP). Throws when the service closed without an answer or gave none in time.
 */
export async function rawAnswer(base: string, request: string | Buffer): Promise<Response> {
  const port = Number(new URL(base).port);
  const bytes = typeof request === 'string' ? Buffer.from(request, 'latin1') : request;
  const outcome = await rawExchange(port, bytes, {
    deadlineMs: 5000,
    halfClose: false,
    head: false,
  });
  if (outcome.kind !== 'answer') throw new Error(`no answer: ${JSON.stringify(outcome)}`);
  // A 204 or 304 has no body, and a Response refuses to be built with one (even empty).
  const body = NULL_BODY_STATUSES.has(outcome.status) ? null : outcome.body;
  return new Response(body, { status: outcome.status, headers: outcome.headers });
}

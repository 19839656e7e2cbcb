import { expect } from '@jest/globals';
import { problemBodyViolation, STACK_TRACE } from './problem-shape';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

/**
 * An `application/problem+json` answer with this status and code, of exactly the contract's shape
 * (docs/contract.md: `{ type, title, status, detail, code }`, nothing more) and never a stack
 * trace. The one problem check of the repository: the contract suite's and the service kit's.
 */
export async function expectProblem(
  response: Response,
  status: number,
  code: string,
): Promise<Problem> {
  const text = await response.text();
  expect({ status: response.status, body: text.slice(0, 300) }).toMatchObject({ status });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  // Exactly the contract's fields, each of its type, `status` the answer's.
  expect(problemBodyViolation(text, status)).toBeUndefined();
  const body = JSON.parse(text) as Problem;
  expect(body.code).toBe(code);
  expect(text).not.toMatch(STACK_TRACE);
  expect(text).not.toContain('stack');
  return body;
}

/** What a request got within its bound: its status and body, or no answer (a hang). */
export type BoundedAnswer =
  { status: number; body: string } | { noAnswerWithinMs: number } | { failed: string };

/**
 * How long an answer the suite expects may take before it counts as a hang: what jest gave
 * each test before (30 s; a million increments took async 30 s at load 11). A test that waits
 * this long gives jest a few seconds more, so that a hang fails with its own message.
 */
export const ANSWER_BOUND_MS = 30_000;

/** Sends `method url` and waits at most `boundMs` for the whole answer. Never rejects. */
export async function answerWithin(
  url: string,
  method: string,
  boundMs = ANSWER_BOUND_MS,
): Promise<BoundedAnswer> {
  try {
    const response = await fetch(url, { method, signal: AbortSignal.timeout(boundMs) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return (error as Error).name === 'TimeoutError'
      ? { noAnswerWithinMs: boundMs }
      : { failed: String(error) };
  }
}

/**
 * Accepted = answered 200 within its bound: not a 400, and not a 500 or a hang either, which
 * would say the service took the value in and could not serve it.
 */
export async function expectAccepted(
  answer: BoundedAnswer | Promise<BoundedAnswer>,
): Promise<void> {
  const got = await answer;
  expect(
    'status' in got ? { status: got.status, body: got.body.slice(0, 300) } : got,
  ).toMatchObject({
    status: 200,
  });
}

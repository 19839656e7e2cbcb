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

/** Accepted = not a 400: answered 2xx, or still working when the client gave up. */
export async function expectAccepted(url: string, method: string, slow: boolean): Promise<void> {
  try {
    const response = await fetch(url, { method, signal: slow ? AbortSignal.timeout(400) : null });
    const text = await response.text();
    expect({ status: response.status, body: text.slice(0, 300) }).toMatchObject({ status: 200 });
  } catch (error) {
    if (!slow || (error as Error).name !== 'TimeoutError') throw error;
  }
}

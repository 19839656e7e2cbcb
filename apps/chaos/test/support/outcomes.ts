import type { Outcome } from '../../src/load/load-stats';

/** An answer as the load generator records it: `status`, the problem's `code`, `Retry-After`. */
export const answer = (status: number, code?: string, retryAfter?: string): Outcome => ({
  kind: 'answer',
  status,
  latencyMs: 1,
  retryAfter,
  pid: 1,
  code,
  body: '',
});

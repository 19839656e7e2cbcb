/*
 * What every error answer of the contract looks like (docs/contract.md, Errors), for the checks
 * that hold each answer to it: `expectProblem` (jest) and the fuzz's `fuzzViolation` (no jest),
 * both through `problemBodyViolation`.
 */

/** Every field of a problem body, and nothing more. */
export const PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'code'] as const;

/** A stack frame (`at fn (file.js:12:5)`) or a path into Node's or a package's sources. */
export const STACK_TRACE = /\bat .+:\d+:\d+|node:internal\/|node_modules\//;

/**
 * What is wrong with a problem+json body answered with `status`, or undefined: not JSON, a field
 * missing or of the wrong type (`status` must equal the answer's), or a field the contract does
 * not have. (A stack trace is checked on every body, not only on problems.)
 */
export function problemBodyViolation(body: string, status: number): string | undefined {
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return `a problem+json body that is not JSON: ${body.slice(0, 200)}`;
  }
  const missing = PROBLEM_FIELDS.filter((f) =>
    f === 'status' ? problem[f] !== status : typeof problem[f] !== 'string',
  );
  if (missing.length > 0)
    return `a problem without a valid ${missing.join(', ')}: ${body.slice(0, 200)}`;
  const extra = Object.keys(problem).filter(
    (f) => !(PROBLEM_FIELDS as readonly string[]).includes(f),
  );
  if (extra.length > 0)
    return `a problem with fields the contract does not have (${extra.join(', ')}): ${body.slice(0, 200)}`;
  return undefined;
}

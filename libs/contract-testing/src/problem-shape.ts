/*
 * What every error answer of the contract looks like (docs/contract.md, Errors), for the checks
 * that hold each answer to it: `expectProblem` (jest) and the fuzz's `fuzzViolation` (no jest).
 */

/** Every field of a problem body, and nothing more. */
export const PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'code'] as const;

/** A stack frame (`at fn (file.js:12:5)`) or a path into Node's or a package's sources. */
export const STACK_TRACE = /\bat .+:\d+:\d+|node:internal\/|node_modules\//;

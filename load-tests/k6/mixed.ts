/**
 * Scenario `mixed`: wait 20 ms, then fib(22) — the guide's fetch-and-process. Threshold: the wait
 * plus a small CPU slice.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3001 -e MODEL=async load-tests/k6/mixed.ts
 */
import { scenarioScript } from './lib/scenario-script.ts';

// open() runs in k6's init context and resolves relative to this file: the one shared definition.
const thresholds = { p95Ms: 100, maxFailedRate: 0.01 };
export const { options, stream, handleSummary } = scenarioScript(
  open('../scenarios.json'),
  'mixed',
  thresholds,
);

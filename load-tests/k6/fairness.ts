/**
 * Scenario `fairness`: 10 ms I/O probes while fib(32) keeps the CPU busy. The lesson is in the
 * threshold: a probe should not wait for someone else's CPU work (one event loop fails it).
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3001 -e MODEL=async load-tests/k6/fairness.ts
 */
import { scenarioScript } from './lib/scenario-script.ts';

// open() runs in k6's init context and resolves relative to this file: the one shared definition.
const thresholds = { p95Ms: 50, maxFailedRate: 0.01 };
export const { options, stream, handleSummary } = scenarioScript(
  open('../scenarios.json'),
  'fairness',
  thresholds,
);

/**
 * Scenario `io`: 2,000 connections held open, each request waiting 750 ms, at 2,000 req/s — a
 * rate every model sustains. Waiting costs no CPU: the answer should take little more than the
 * wait itself, and holding the connections is what the models pay for in memory.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3001 -e MODEL=async load-tests/k6/io.ts
 */
import { scenarioScript } from './lib/scenario-script.ts';

// open() runs in k6's init context and resolves relative to this file: the one shared definition.
const thresholds = { p95Ms: 1000, maxFailedRate: 0.01 };
export const { options, stream, handleSummary } = scenarioScript(
  open('../scenarios.json'),
  'io',
  thresholds,
);

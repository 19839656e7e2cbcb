/**
 * Scenario `cpu`: naive fib(30) at a fixed arrival rate. Only more cores help; one event loop
 * runs one fib at a time. Threshold: the p95 a user would still call responsive under overload.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3001 -e MODEL=async load-tests/k6/cpu.ts
 */
import { scenarioScript } from './lib/scenario-script.ts';

// open() runs in k6's init context and resolves relative to this file: the one shared definition.
const thresholds = { p95Ms: 1000, maxFailedRate: 0.05 };
export const { options, stream, handleSummary } = scenarioScript(
  open('../scenarios.json'),
  'cpu',
  thresholds,
);

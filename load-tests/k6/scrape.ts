/**
 * Scenario `scrape`: 10 upstream pages per request (20 ms each upstream, fetched concurrently).
 * Threshold: a few upstream round trips' worth.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3001 -e MODEL=async load-tests/k6/scrape.ts
 */
import { scenarioScript } from './lib/scenario-script.ts';

// open() runs in k6's init context and resolves relative to this file: the one shared definition.
const thresholds = { p95Ms: 250, maxFailedRate: 0.01 };
export const { options, stream, handleSummary } = scenarioScript(
  open('../scenarios.json'),
  'scrape',
  thresholds,
);

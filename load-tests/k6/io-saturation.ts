/**
 * Scenario `io-saturation`: 400 connections each waiting 10 ms, closed loop (`constant-vus`):
 * each sends its next request as soon as it is answered. Waiting costs no CPU; what limits a
 * model here is the CPU each request costs. (It was 50 ms at a fixed 6,000 req/s: every model
 * answered all 6,000 on two cores at a third of a core, so the rate, not the model, was the
 * limit; 400 connections on 10 ms waits allow 40,000 req/s, and the models reached 25-30,000 at
 * a full core.)
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3001 -e MODEL=async load-tests/k6/io-saturation.ts
 */
import { scenarioScript } from './lib/scenario-script.ts';

// open() runs in k6's init context and resolves relative to this file: the one shared definition.
const thresholds = { p95Ms: 100, maxFailedRate: 0.01 };
export const { options, stream, handleSummary } = scenarioScript(
  open('../scenarios.json'),
  'io-saturation',
  thresholds,
);

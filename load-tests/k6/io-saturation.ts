/**
 * Scenario `io-saturation`: 400 connections each waiting 50 ms, at a rate past what any model
 * answers on two cores. Waiting costs no CPU; what limits a model here is the CPU each request
 * costs, so the answer should take little more than the wait until the model saturates.
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

/**
 * Scenario `image`: sharpen a generated 512×512 image (CPU plus memory traffic). Threshold: as
 * for cpu, a p95 that stays interactive.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3001 -e MODEL=async load-tests/k6/image.ts
 */
import { scenarioScript } from './lib/scenario-script.ts';

// open() runs in k6's init context and resolves relative to this file: the one shared definition.
const thresholds = { p95Ms: 1000, maxFailedRate: 0.05 };
export const { options, stream, handleSummary } = scenarioScript(
  open('../scenarios.json'),
  'image',
  thresholds,
);

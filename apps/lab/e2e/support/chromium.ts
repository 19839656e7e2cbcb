import { machineToolOrSkip } from '@concurrency-lab/launcher/testing';

/**
 * Debian's Chromium, which renders the lab's report pages headless (playwright-core drives it;
 * npm's Playwright would download a browser from its own CDN, which this machine cannot reach):
 * its path, or why its tests are skipped (see `machineToolOrSkip`).
 */
export const CHROMIUM = machineToolOrSkip({
  name: 'chromium',
  envVar: 'CHROMIUM_PATH',
  install: 'Debian: `apt-get install chromium`',
  usedFor: 'the report pages rendered in a real browser',
});

/** The flags a headless Chromium needs on a closed machine, as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

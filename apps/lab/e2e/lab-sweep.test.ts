/**
 * `lab sweep --scenario cpu`: a real sweep, small (one pooled model, WORKERS 1…2, short runs),
 * drawing its sizing curve; the page renders in headless Chromium.
 */
import { runApp, tempFolder } from '@concurrency-lab/launcher/testing';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { sweepSchema } from '../src/sweep/sweep-schema';
import { CHROMIUM, CHROMIUM_ARGS } from './support/chromium';

describe('lab sweep --scenario cpu', () => {
  const out = tempFolder('lab-sweep-');

  it('measures every size, finds the knee and draws the curves', async () => {
    const run = await runApp('lab', [
      'sweep',
      '--scenario',
      'cpu',
      '--models',
      'threads',
      '--max-workers',
      '2',
      '--quick',
      '--duration',
      '2',
      '--out',
      out,
    ]);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const [dir] = readdirSync(out).filter((d) => d.startsWith('sweep-'));
    const root = join(out, dir ?? '');
    const sweep = sweepSchema.parse(JSON.parse(readFileSync(join(root, 'sweep.json'), 'utf8')));
    expect(sweep.points.map((p) => [p.model, p.workers])).toEqual([
      ['threads', 1],
      ['threads', 2],
    ]);
    for (const p of sweep.points) expect(p.summary.rps).toBeGreaterThan(0);
    expect(sweep.knees.map((k) => k.model)).toEqual(['threads']);
    expect(sweep.line).toMatch(
      /^The knee on this machine \(\d+ CPUs, cpu\): WORKERS=\d for threads/,
    );
    expect(run.stdout).toContain(sweep.line);
    expect(readFileSync(join(root, 'sweep.md'), 'utf8')).toContain(sweep.line);

    expect(existsSync(join(root, 'index.html'))).toBe(true);
    // The page in a browser: skipped (and said so once) where Chromium is not installed.
    if (!('path' in CHROMIUM)) return;
    const browser = await chromium.launch({ executablePath: CHROMIUM.path, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`file://${join(root, 'index.html')}`);
      for (const id of ['sweep-throughput', 'sweep-p99', 'sweep-rss']) {
        const lines = await page.locator(`#chart-${id} svg .mark-line path`).count();
        expect([id, lines > 0]).toEqual([id, true]);
      }
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

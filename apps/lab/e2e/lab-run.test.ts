import { appEntry, workspaceRoot } from '@concurrency-lab/launcher';
import { isAlive, processTree } from '@concurrency-lab/procfs';
import { runApp, tempFolder } from '@concurrency-lab/launcher/testing';
import { MODEL_NAMES, MODELS } from '@concurrency-lab/models';
import Ajv2020 from 'ajv/dist/2020';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Report } from '../src/report/report-schema';
import { loadScenarioCatalog } from '../src/scenario-catalog';
import { CHROMIUM, CHROMIUM_ARGS } from './support/chromium';

/** The models that run more than one process (a cluster's workers, a pool of processes). */
const MULTI_PROCESS = MODELS.filter((m) =>
  (m.restarts as readonly string[]).includes('process'),
).map((m) => m.model);

describe('lab --quick, end to end', () => {
  const out = tempFolder('lab-report-');
  let run: Awaited<ReturnType<typeof runApp>>;
  let report: Report;
  let dir: string;

  beforeAll(async () => {
    // --duration 2: the quick run's 1 s is too short to be sure of answers on a heavily shared CI.
    run = await runApp('lab', [
      '--quick',
      '--duration',
      '2',
      '--json',
      '--workers',
      '2',
      '--out',
      out,
    ]);
    const summary = JSON.parse(run.stdout) as { report: string };
    dir = summary.report;
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
  }, 400_000); // every model × seven scenarios, --quick --duration 2, on a shared machine

  it('exits 0, writes the report files and points latest at them', () => {
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    for (const file of ['report.json', 'report.md', 'index.html'])
      expect(existsSync(join(dir, file))).toBe(true);
    expect(readlinkSync(join(out, 'latest'))).toBe(dir.split('/').pop());
    expect(readdirSync(out)).toHaveLength(2);
    // It started its own services (upstream and a model at least at once): the targets-mode
    // tests' `maxChildren` of 0 means something only because it counts them here.
    expect(run.maxChildren).toBeGreaterThanOrEqual(2);
  });

  it('writes a report.json that validates against the committed JSON Schema', () => {
    const schema = JSON.parse(
      readFileSync(join(workspaceRoot(), 'apps', 'lab', 'report.schema.json'), 'utf8'),
    );
    const validate = new Ajv2020({
      strict: false,
      validateFormats: false,
      allErrors: true,
    }).compile(schema);
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    // and a broken copy does not, so the check can fail
    expect(validate({ ...report, scenarios: 'none' })).toBe(false);
  });

  it('measures every model in every scenario with sane figures', () => {
    expect(report.options.models).toEqual([...MODEL_NAMES]);
    expect(report.run).toMatchObject({ mode: 'local', sharedCores: true, workload: null });
    expect(report.scenarios.map((s) => s.id)).toEqual(
      loadScenarioCatalog(workspaceRoot()).scenarios.map((s) => s.id),
    );
    for (const scenario of report.scenarios) {
      expect(scenario.results.map((r) => r.model)).toEqual([...MODEL_NAMES]);
      for (const { model, summary } of scenario.results) {
        const where = `${scenario.id}/${model}`;
        expect([where, summary.rps > 0]).toEqual([where, true]);
        expect([where, summary.p50Ms <= summary.p95Ms && summary.p95Ms <= summary.p99Ms]).toEqual([
          where,
          true,
        ]);
        expect([where, summary.rssPeakBytes > 0]).toEqual([where, true]);
      }
      const rss = (m: string) =>
        scenario.results.find((r) => r.model === m)?.summary.rssPeakBytes ?? 0;
      // The lab samples the whole process tree: a model of several processes weighs more.
      for (const many of MULTI_PROCESS)
        expect([scenario.id, many, rss(many) > rss('async')]).toEqual([scenario.id, many, true]);
    }
    expect(report.lessons.map((l) => l.id)).toEqual([
      'cpu-needs-cores',
      'cpu-blocks-the-loop',
      'waits-are-cheap',
    ]);
  });

  it('opens on what to choose: at most five lines, the caveat last, the same in every format', () => {
    expect(report.choose.length).toBeGreaterThanOrEqual(2);
    expect(report.choose.length).toBeLessThanOrEqual(5);
    expect(report.choose.at(-1)).toMatch(/^Caveat: the load generator ran on the same/);
    const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    for (const line of report.choose) {
      expect(markdown).toContain(`- ${line}`);
      expect(html).toContain(line.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
    }
    // The first section of the page, before the charts.
    expect(html.indexOf('id="choose"')).toBeLessThan(html.indexOf('<figure'));
  });

  it('reports memory per connection for io, and not-sent apart from failed', () => {
    const io = report.scenarios.find((s) => s.id === 'io');
    expect(io?.results.length).toBe(MODEL_NAMES.length);
    for (const r of io?.results ?? []) {
      const { connections, memoryPerConnectionBytes, liveHeapPerConnectionBytes } = r.summary;
      expect(connections).toBeGreaterThanOrEqual(2000);
      expect(memoryPerConnectionBytes).toBeGreaterThan(0);
      // Read after the full collection the lab asked every process of the model for while the
      // connections were held — for every model, never "not measured": more than nothing, and
      // less than a tenth of a MiB a connection (a held wait is a few KiB of objects).
      expect([r.model, liveHeapPerConnectionBytes !== null]).toEqual([r.model, true]);
      expect([r.model, (liveHeapPerConnectionBytes ?? 0) > 0]).toEqual([r.model, true]);
      expect(liveHeapPerConnectionBytes).toBeLessThan(100 * 1024);
      // The heap's old space from /metrics in the samples that answered.
      expect(r.samples.some((x) => (x.oldSpaceUsedBytes ?? 0) > 0)).toBe(true);
    }
    const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(markdown).toContain('| not sent (over rate) |');
    expect(markdown).toContain('## Holding connections: memory per connection');
    expect(markdown).toContain('| live heap KiB per connection | RSS idle MiB |');
  });

  const withChromium = 'path' in CHROMIUM ? it : it.skip;
  withChromium(
    'renders index.html in headless Chromium with every chart and no console errors',
    async () => {
      if (!('path' in CHROMIUM)) return;
      const browser = await chromium.launch({ executablePath: CHROMIUM.path, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
        await page.goto(`file://${join(dir, 'index.html')}`);
        for (const id of ['throughput', 'latency', 'rss', 'cpu', 'lag']) {
          const marks = await page
            .locator(`#chart-${id} svg .mark-rect path, #chart-${id} svg .mark-line path`)
            .count();
          expect([id, marks > 0]).toEqual([id, true]);
        }
        expect(await page.locator('table').count()).toBeGreaterThanOrEqual(2);
        await page.screenshot({ path: join(dir, 'screenshot.png'), fullPage: true });
        expect(existsSync(join(dir, 'screenshot.png'))).toBe(true);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});

describe('lab and Ctrl-C', () => {
  const out = tempFolder('lab-sigint-');

  it('stops every service it started and exits 130, leaving no orphan process', async () => {
    const child = spawn(
      process.execPath,
      [appEntry('lab'), '--scenarios', 'io', '--duration', '60', '--out', out],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const measuring = new Promise<void>((resolve) =>
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (/io · \w+\n/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    await measuring;
    const tree = processTree(child.pid ?? -1)?.slice(1) ?? []; // below the lab
    // upstream and every model's root process (+ cluster workers, pool processes)
    expect(tree.length).toBeGreaterThanOrEqual(1 + MODEL_NAMES.length);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(tree.filter(isAlive)).toEqual([]);
  }, 60_000);
});

import { MODELS } from '@concurrency-lab/models';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { localizePrometheusConfig } from '../src/prometheus-config';
import { machineToolOrSkip } from '@concurrency-lab/launcher/testing';
import { PROMETHEUS_TOOL } from '../src/prometheus-process';
import { observabilityDir } from '../src/repo-paths';

const repoConfig = readFileSync(join(observabilityDir(), 'prometheus.yml'), 'utf8');

/** `promtool check config` (Debian ships it with prometheus), on a file holding `text`. */
const PROMETHEUS = machineToolOrSkip(PROMETHEUS_TOOL);
const describeWithPromtool = 'path' in PROMETHEUS ? describe : describe.skip;

function promtoolCheck(text: string): { status: number | null; output: string } {
  if (!('path' in PROMETHEUS)) throw new Error(PROMETHEUS.skip);
  const prometheus = PROMETHEUS.path;
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    writeFileSync(join(dir, 'prometheus.yml'), text);
    const run = spawnSync(
      join(dirname(prometheus), 'promtool'),
      ['check', 'config', join(dir, 'prometheus.yml')],
      {
        encoding: 'utf8',
      },
    );
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWithPromtool('prometheus.yml through the real promtool', () => {
  it('passes promtool check config as committed', () => {
    expect(promtoolCheck(repoConfig)).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('passes it too when rewritten to local targets with 1 s scrapes (what observe runs)', () => {
    const targets = Object.fromEntries(MODELS.map((m, i) => [m.app, `127.0.0.1:${41001 + i}`]));
    const local = localizePrometheusConfig(repoConfig, { targets, scrapeInterval: '1s' });
    expect(promtoolCheck(local)).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('negative control: promtool refuses a scrape timeout longer than its interval', () => {
    const broken = repoConfig.replace('scrape_timeout: 4s', 'scrape_timeout: 9s');
    expect(broken).not.toBe(repoConfig);
    expect(promtoolCheck(broken).status).not.toBe(0);
  });
});

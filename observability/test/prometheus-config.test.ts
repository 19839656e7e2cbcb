import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import {
  localizePrometheusConfig,
  PrometheusConfigError,
  scrapeJobs,
} from '../src/prometheus-config';
import { findPrometheus } from '../src/prometheus-process';
import { observabilityDir } from '../src/repo-paths';

const repoConfig = readFileSync(join(observabilityDir(), 'prometheus.yml'), 'utf8');
const LOCAL = {
  'async-service': '127.0.0.1:41001',
  'threads-service': '127.0.0.1:41002',
  'cluster-service': '127.0.0.1:41003',
};

/** `promtool check config` (Debian ships it with prometheus), on a file holding `text`. */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const prometheus = findPrometheus();
  if (!prometheus)
    throw new Error('prometheus/promtool are not installed (Debian: apt-get install prometheus)');
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

describe("the repository's prometheus.yml", () => {
  it('has one scrape job per model service', () => {
    expect(scrapeJobs(repoConfig)).toEqual(['async-service', 'threads-service', 'cluster-service']);
  });

  it('passes promtool check config', () => {
    expect(promtoolCheck(repoConfig)).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
});

describe('localizePrometheusConfig', () => {
  it('points every job at its local address and keeps the rest of the file', () => {
    const local = parse(localizePrometheusConfig(repoConfig, { targets: LOCAL })) as {
      global: Record<string, string>;
      scrape_configs: {
        job_name: string;
        metrics_path: string;
        static_configs: { targets: string[] }[];
      }[];
    };
    expect(local.scrape_configs.map((j) => [j.job_name, j.metrics_path, j.static_configs])).toEqual(
      Object.entries(LOCAL).map(([job, target]) => [job, '/metrics', [{ targets: [target] }]]),
    );
    expect(local.global).toEqual((parse(repoConfig) as { global: unknown }).global);
  });

  it('overrides the scrape interval, with a timeout Prometheus accepts', () => {
    const local = localizePrometheusConfig(repoConfig, { targets: LOCAL, scrapeInterval: '1s' });
    expect((parse(local) as { global: unknown }).global).toEqual({
      scrape_interval: '1s',
      scrape_timeout: '1s',
      evaluation_interval: '1s',
    });
    expect(promtoolCheck(local)).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('refuses a job without a target, and a target for an unknown job', () => {
    const { 'cluster-service': _dropped, ...twoOfThree } = LOCAL;
    expect(() => localizePrometheusConfig(repoConfig, { targets: twoOfThree })).toThrow(
      PrometheusConfigError,
    );
    expect(() =>
      localizePrometheusConfig(repoConfig, {
        targets: { ...LOCAL, 'hybrid-service': '127.0.0.1:1' },
      }),
    ).toThrow('got none for [] and unknown jobs [hybrid-service]');
    expect(() => localizePrometheusConfig(repoConfig, { targets: twoOfThree })).toThrow(
      'got none for [cluster-service] and unknown jobs []',
    );
  });

  it('refuses a file without scrape jobs', () => {
    expect(() => localizePrometheusConfig('global: {}\n', { targets: {} })).toThrow(
      expect.objectContaining({ code: 'ERR_PROMETHEUS_CONFIG' }),
    );
  });
});

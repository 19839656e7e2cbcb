import { MODELS } from '@concurrency-lab/models';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  localizePrometheusConfig,
  PrometheusConfigError,
  scrapeJobs,
} from '../src/prometheus-config';
import { observabilityDir } from '../src/repo-paths';

const repoConfig = readFileSync(join(observabilityDir(), 'prometheus.yml'), 'utf8');
const LOCAL: Record<string, string> = Object.fromEntries(
  MODELS.map((m, i) => [m.app, `127.0.0.1:${41001 + i}`]),
);

describe("the repository's prometheus.yml", () => {
  it('has one scrape job per model service', () => {
    expect(scrapeJobs(repoConfig)).toEqual(MODELS.map((m) => m.app));
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
  });

  it('keeps the global settings it does not override (external_labels)', () => {
    const text = 'global: { scrape_interval: 5s, external_labels: { lab: local } }\n';
    const local = parse(
      localizePrometheusConfig(`${text}scrape_configs: [{ job_name: async-service }]\n`, {
        targets: { 'async-service': '127.0.0.1:1' },
        scrapeInterval: '1s',
      }),
    ) as { global: Record<string, unknown> };
    expect([local.global['external_labels'], local.global['scrape_interval']]).toEqual([
      { lab: 'local' },
      '1s',
    ]);
  });

  it("overrides a job's own interval and timeout too, dropping them for the global ones", () => {
    // A job's own scrape_interval wins over the global one in Prometheus: left in place, the
    // job would still be scraped every 5 s, and a 4 s timeout would outlast a 1 s interval.
    const text = [
      'scrape_configs:',
      '  - job_name: async-service',
      '    scrape_interval: 5s',
      '    scrape_timeout: 4s',
      '    metrics_path: /metrics',
      "    static_configs: [{ targets: ['async-service:3000'] }]",
      '',
    ].join('\n');
    const local = parse(
      localizePrometheusConfig(text, {
        targets: { 'async-service': '127.0.0.1:1' },
        scrapeInterval: '1s',
      }),
    ) as { global: unknown; scrape_configs: unknown[] };
    expect(local.scrape_configs).toEqual([
      {
        job_name: 'async-service',
        metrics_path: '/metrics',
        static_configs: [{ targets: ['127.0.0.1:1'] }],
      },
    ]);
    expect(local.global).toEqual({
      scrape_interval: '1s',
      scrape_timeout: '1s',
      evaluation_interval: '1s',
    });
    // The control: without an override, the job keeps the intervals the file gives it.
    const kept = parse(
      localizePrometheusConfig(text, { targets: { 'async-service': '127.0.0.1:1' } }),
    ) as { scrape_configs: Record<string, unknown>[] };
    expect(kept.scrape_configs.map((j) => [j['scrape_interval'], j['scrape_timeout']])).toEqual([
      ['5s', '4s'],
    ]);
  });

  it('refuses a job without a target, and a target for an unknown job', () => {
    const last = MODELS.at(-1)?.app ?? '';
    const { [last]: _dropped, ...allButLast } = LOCAL;
    expect(() => localizePrometheusConfig(repoConfig, { targets: allButLast })).toThrow(
      PrometheusConfigError,
    );
    expect(() =>
      localizePrometheusConfig(repoConfig, {
        targets: { ...LOCAL, 'fibers-service': '127.0.0.1:1' },
      }),
    ).toThrow('got none for [] and unknown jobs [fibers-service]');
    expect(() => localizePrometheusConfig(repoConfig, { targets: allButLast })).toThrow(
      `got none for [${last}] and unknown jobs []`,
    );
  });

  // An empty list is no config to localize either: Prometheus would start and scrape nothing,
  // and every dashboard query would come back empty rather than fail.
  it.each([
    ['no scrape_configs key', 'global: {}\n'],
    ['an empty scrape_configs list', 'scrape_configs: []\n'],
  ])('refuses a file without scrape jobs: %s', (_, text) => {
    const refusal = expect.objectContaining({ code: 'ERR_OBSERVE_PROMETHEUS_CONFIG' });
    expect(() => scrapeJobs(text)).toThrow(refusal);
    expect(() => localizePrometheusConfig(text, { targets: {} })).toThrow(refusal);
  });
});

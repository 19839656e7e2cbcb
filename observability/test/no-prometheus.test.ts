import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrometheus, noPrometheusLines } from '../src/prometheus-process';

describe('npm run observe without a Prometheus that runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'no-prometheus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a PROMETHEUS_BIN that points at nothing that runs, instead of "not installed"', () => {
    const env = { PROMETHEUS_BIN: join(dir, 'missing'), PATH: dir };
    expect(findPrometheus(env)).toBeUndefined();
    expect(noPrometheusLines(env).join(' ')).toMatch(
      new RegExp(`^PROMETHEUS_BIN=${join(dir, 'missing')} is not a program that runs`),
    );
  });

  it('says how to install it when PROMETHEUS_BIN is unset and none is on PATH', () => {
    const env = { PATH: dir };
    expect(findPrometheus(env)).toBeUndefined();
    expect(noPrometheusLines(env).join(' ')).toMatch(/^Prometheus is not installed/);
  });

  it('control: a PROMETHEUS_BIN that runs is found', () => {
    const binary = join(dir, 'prometheus');
    writeFileSync(binary, '#!/bin/sh\n');
    chmodSync(binary, 0o755);
    expect(findPrometheus({ PROMETHEUS_BIN: binary, PATH: '' })).toBe(binary);
  });
});

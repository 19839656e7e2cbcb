import {
  findMachineTool,
  tiedCommand,
  whyMissing,
  type MachineTool,
} from '@concurrency-lab/launcher';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownedPrefix, removeAbandonedFolders } from './abandoned-folders';

/**
 * The feature flags the Docker stack starts Prometheus with (docker-compose.yml repeats them and
 * a test holds the two together): exemplars link latency buckets to traces, and the
 * remote-write receiver is where k6 pushes its results.
 */
export const PROMETHEUS_FEATURE_FLAGS = [
  '--enable-feature=exemplar-storage',
  '--web.enable-remote-write-receiver',
] as const;

/** `PROMETHEUS_BIN`, else `prometheus` on PATH (Debian's package installs /usr/bin/prometheus). */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findMachineTool(PROMETHEUS_TOOL, env);
}

/**
 * What `npm run observe` says when no Prometheus runs, so only the services do: a
 * `PROMETHEUS_BIN` that points at nothing that runs is named (it was read as "not installed"),
 * in the words a skipped e2e test uses (the launcher's `whyMissing`).
 */
export function noPrometheusLines(env: NodeJS.ProcessEnv = process.env): string[] {
  return env[PROMETHEUS_TOOL.envVar]
    ? [
        `${whyMissing(PROMETHEUS_TOOL, env)}, so only the services run. Point it`,
        'at the prometheus binary (or unset it to use the one on PATH), then run this again.',
      ]
    : [
        'Prometheus is not installed, so only the services run. Install it (Debian:',
        '`sudo apt-get install prometheus`) or set PROMETHEUS_BIN, then run this again.',
      ];
}

/** Prometheus as the tests that need it name it (a Debian package: npm carries none). */
export const PROMETHEUS_TOOL = {
  name: 'prometheus',
  envVar: 'PROMETHEUS_BIN',
  install: 'Debian: `apt-get install prometheus`, which brings promtool too',
  usedFor: 'the dashboards and prometheus.yml against a real Prometheus',
} as const satisfies MachineTool;

export interface PrometheusProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves once the process is gone (stopped, or crashed). */
  readonly exited: Promise<void>;
  output(): string;
  /** SIGTERM (SIGKILL after 5 s), then removes the temporary config and data. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  binary: string;
  /** The prometheus.yml to run (already rewritten to local targets). */
  configText: string;
  port: number;
  /** @default 20000 */
  readyTimeoutMs?: number;
}

/**
 * A real Prometheus on 127.0.0.1:`port`, with its config and TSDB in a fresh temporary folder,
 * named after this process (see abandoned-folders.ts): stop() or the exit hook removes it, and
 * if neither ran (the caller was killed outright) a later start removes it once we are gone.
 * Resolves once `/-/ready` answers 200 (the config is loaded and the TSDB open) from this very
 * Prometheus; rejects when it exits first (a port already taken) or is not ready in time.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusProcess> {
  // A caller killed outright left its folder (no exit hook ran): the folders whose owner is gone
  // are removed here, and ours records us as its owner for the starts after us.
  removeAbandonedFolders(tmpdir());
  const dir = mkdtempSync(join(tmpdir(), ownedPrefix()));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, options.configText);
  const url = `http://127.0.0.1:${options.port}`;
  // Tied to this process: killed outright (SIGKILL, the OOM killer), it runs no exit hook, and
  // an untied Prometheus ran on, holding its port and its TSDB folder.
  const { command, args } = tiedCommand(options.binary, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${options.port}`,
    ...PROMETHEUS_FEATURE_FLAGS,
  ]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      gone = true;
      resolve();
    });
    // A missing or non-executable binary emits 'error' (and no 'exit'): count it as gone.
    child.once('error', (error) => {
      output += String(error);
      gone = true;
      resolve();
    });
  });
  // A caller that exits without stop() (a crash, process.exit) must not leave an orphan
  // Prometheus or its TSDB behind: 'exit' handlers run synchronously, so SIGKILL and remove.
  const onExit = () => {
    if (!gone) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    if (!gone) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  while (gone || !(await isReady(url, configFile))) {
    if (gone || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready at ${url}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, pid: child.pid ?? -1, exited, output: () => output, stop };
}

/**
 * Whether the Prometheus answering at `url` is ready and is the one started here: another one
 * already on the port (the Docker stack's, an earlier `observe`) answers `/-/ready` too, while
 * ours fails to bind and exits. Its flags name the config file it runs.
 */
async function isReady(url: string, configFile: string): Promise<boolean> {
  try {
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
    await ready.arrayBuffer();
    if (!ready.ok) return false;
    const flags = await fetch(`${url}/api/v1/status/flags`, { signal: AbortSignal.timeout(1000) });
    const body = (await flags.json()) as { data?: Record<string, string> };
    return body.data?.['config.file'] === configFile;
  } catch {
    return false; // not listening yet
  }
}

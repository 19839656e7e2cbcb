import { DeployOptionError } from './errors';

/** What `npx nx run deploy:synth -- --<name>=<value>` may change. */
export interface DeployOptions {
  /** The namespace of everything the lab runs. @default 'concurrency-lab' */
  namespace: string;
  /**
   * Prefix of the lab's images (`concurrency-lab/<app>:<version>`), e.g. `registry.example.com/`
   * for a registry the cluster pulls from.
   * @default '' (images loaded onto the nodes, as `kind load docker-image` does)
   */
  imageRegistry: string;
  /** CPU cores of every model: its request, its limit and its `WORKERS`. @default 2 */
  cpus: number;
  /** Memory of every model, request = limit. @default '1Gi' */
  memory: string;
  /** k6 runner pods per TestRun; at most the connections of every stream. @default 2 */
  parallelism: number;
  /** Length of each stream of a k6 run (`DURATION`). @default '30s' */
  duration: string;
  /** The `testid` tag of every k6 series (the k6 dashboard's "Run"). @default 'k8s' */
  testid: string;
  /**
   * Where the k6 runners push: the Prometheus Operator's `prometheus-operated` Service, with
   * the remote-write receiver enabled.
   * @default 'http://prometheus-operated.monitoring.svc:9090/api/v1/write'
   */
  remoteWriteUrl: string;
}

export const DEFAULT_DEPLOY_OPTIONS: Readonly<DeployOptions> = {
  namespace: 'concurrency-lab',
  imageRegistry: '',
  cpus: 2,
  memory: '1Gi',
  parallelism: 2,
  duration: '30s',
  testid: 'k8s',
  remoteWriteUrl: 'http://prometheus-operated.monitoring.svc:9090/api/v1/write',
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Tag values travel through `sh -c` (the operator's `arguments`) and into Prometheus labels. */
const TAG_VALUE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function expect(ok: boolean, name: string, expected: string, got: unknown): void {
  if (!ok)
    throw new DeployOptionError(
      `Expected \`${name}\` to be ${expected}, got \`${String(got)}\` (${typeof got})`,
    );
}

/** The defaults with `overrides` applied, each checked. */
export function deployOptions(overrides: Partial<DeployOptions> = {}): DeployOptions {
  const o = { ...DEFAULT_DEPLOY_OPTIONS, ...overrides };
  expect(DNS_LABEL.test(o.namespace), 'namespace', 'an RFC 1123 label', o.namespace);
  expect(
    o.imageRegistry === '' || /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*\/$/.test(o.imageRegistry),
    'imageRegistry',
    'empty or a registry prefix ending in /',
    o.imageRegistry,
  );
  expect(
    Number.isInteger(o.cpus) && o.cpus >= 1 && o.cpus <= 64,
    'cpus',
    'an integer from 1 to 64 (WORKERS equals it)',
    o.cpus,
  );
  expect(/^[1-9]\d*(Mi|Gi)$/.test(o.memory), 'memory', 'a quantity such as 512Mi or 1Gi', o.memory);
  expect(
    Number.isInteger(o.parallelism) && o.parallelism >= 1,
    'parallelism',
    'an integer from 1',
    o.parallelism,
  );
  expect(
    /^(\d+(ms|s|m|h))+$/.test(o.duration),
    'duration',
    'a k6 duration such as 30s',
    o.duration,
  );
  expect(TAG_VALUE.test(o.testid), 'testid', 'a word of letters, digits, . _ -', o.testid);
  expect(
    /^https?:\/\/[^\s/]+\/\S*$/.test(o.remoteWriteUrl),
    'remoteWriteUrl',
    'an http(s) URL',
    o.remoteWriteUrl,
  );
  return o;
}

/** `--parallelism=4 --testid=run-2` → overrides; numbers where the option is a number. */
export function parseSynthArgs(argv: readonly string[]): Partial<DeployOptions> {
  const overrides: Record<string, string | number> = {};
  for (const arg of argv) {
    const match = /^--([a-zA-Z]+)=(.*)$/.exec(arg);
    const name = match?.[1] ?? '';
    // Own keys only: `in` also finds Object.prototype's (`--constructor=1`, `--toString=x`).
    if (!match || !Object.hasOwn(DEFAULT_DEPLOY_OPTIONS, name)) {
      throw new DeployOptionError(
        `Expected --<option>=<value> with an option among ${Object.keys(DEFAULT_DEPLOY_OPTIONS).join(', ')}, got \`${arg}\``,
      );
    }
    const value = match[2] ?? '';
    const numeric = typeof DEFAULT_DEPLOY_OPTIONS[name as keyof DeployOptions] === 'number';
    overrides[name] = numeric && value.trim() !== '' ? Number(value) : value;
  }
  return overrides;
}

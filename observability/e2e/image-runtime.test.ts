/**
 * Docker cannot run here (no engine), so a service image is never built. What can break an image
 * without any syntax error is rehearsed on the host instead, for each app docker-compose.yml
 * builds from the repository's Dockerfile:
 * - the production install: the `prod-deps` stage's RUN line, read from the Dockerfile and run as
 *   written on what the `manifests` stage leaves (every package.json and the lock, nothing
 *   else), with APP in its environment only if the stage declares `ARG APP` (Docker's rule: a
 *   build argument reaches a stage's RUN only through an ARG of that stage);
 * - the runtime: the last stage's layout (that node_modules, the app's package.json and dist,
 *   the libs it imports, `main.js` linked to the entry), started as its CMD does, in a folder
 *   outside the repository so nothing resolves from the repository's own node_modules.
 * Where it differs from `docker build`: the base image, COPY, USER and HEALTHCHECK are not
 * rehearsed (test/docker-compose.test.ts checks them statically); npm is this machine's, with its
 * configuration files (here a CA file for the registry) but without the `npm_config_*` variables
 * npm sets for `npm test`; `dist/` is the one `npm test` built for the whole workspace, not a
 * clean `nx run <app>:build`; the libs laid out are those the install linked (the app's declared
 * dependencies), which `@nx/dependency-checks` keeps equal to those the build would compile.
 */
import { ADMISSION_OFF, launch } from '@concurrency-lab/launcher';
import { MODELS, UPSTREAM } from '@concurrency-lab/models';
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../src/repo-paths';
import { parseDockerfile, stages } from '../test/support/dockerfile';

const root = repoRoot();
const run = promisify(execFile);

/**
 * The build context's exclusions, from the repository's .dockerignore as Docker reads it: each
 * pattern is matched against the path from the context root (`**` any number of folders, `*`
 * and `?` within one name), and a folder that matches takes everything below it along.
 * Exceptions (`!…`) would change what is left, so a .dockerignore with one is refused here.
 */
function dockerignored(): (relativePath: string) => boolean {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (patterns.some((p) => p.startsWith('!'))) {
    throw new Error('.dockerignore has an exception (!…), which this rehearsal does not read');
  }
  const regexps = patterns.map((pattern) => {
    const body = pattern
      .replace(/^\/+|\/+$/g, '')
      .split('/')
      .map((part) =>
        part === '**'
          ? '.*'
          : part
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
      )
      .join('/')
      .replace(/\.\*\//g, '(?:.*/)?');
    return new RegExp(`^${body}(?:/.*)?$`);
  });
  return (relativePath) => regexps.some((r) => r.test(relativePath));
}

/** What the `manifests` stage leaves of the build context: every package.json and the lock. */
function copyManifests(to: string): void {
  const ignored = dockerignored();
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (ignored(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /^package(-lock)?\.json$/.test(entry.name)) {
        cpSync(join(root, path), join(to, path));
      }
    }
  };
  walk('');
}

/** What the `prod-deps` stage runs for `app`: its one RUN line and the environment it gets. */
function prodDepsStep(app: string): { command: string; env: NodeJS.ProcessEnv } {
  const stage = stages(parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'))).find((s) =>
    /\bAS\s+prod-deps$/i.test(s[0]?.args ?? ''),
  );
  const runs = stage?.filter((i) => i.keyword === 'RUN') ?? [];
  if (runs.length !== 1) {
    throw new Error(`expected one RUN in the prod-deps stage, found ${runs.length}`);
  }
  const declaresApp = stage?.some((i) => i.keyword === 'ARG' && /^APP(=|$)/.test(i.args)) ?? false;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => key !== 'APP' && !key.toLowerCase().startsWith('npm_config_'),
    ),
  );
  return { command: runs[0]?.args ?? '', env: declaresApp ? { ...env, APP: app } : env };
}

/**
 * Packages a service never loads: the repository's build and test tools (jest's globals and the
 * Babel it brings are what the libs' /testing helpers import), and what only other workspaces
 * need (the lab's charts and load generator).
 */
const NOT_FOR_A_SERVICE = [
  'jest',
  '@jest/globals',
  '@babel/core',
  'typescript',
  '@swc/core',
  'nx',
  'eslint',
  'prettier',
  'fast-check',
  'playwright-core',
  'vega',
  'vega-lite',
  'autocannon',
];

/** Which of {@link NOT_FOR_A_SERVICE} an install under `nodeModules` holds. */
function notForAServiceIn(nodeModules: string): string[] {
  return NOT_FOR_A_SERVICE.filter((name) => existsSync(join(nodeModules, name, 'package.json')));
}

/**
 * The last stage's layout, in the folder of the install: of the install, only the root
 * package.json and node_modules stay (what the stage copies from prod-deps); then the app and the
 * libs its install linked, each its package.json and dist (what it copies from the build).
 */
function layOut(image: string, app: string): void {
  for (const entry of readdirSync(image)) {
    if (entry !== 'node_modules' && entry !== 'package.json')
      rmSync(join(image, entry), { recursive: true });
  }
  const linked = readdirSync(join(image, 'node_modules', '@concurrency-lab'));
  const folders = [
    `apps/${app}`,
    ...linked.filter((l) => !l.startsWith('app-')).map((l) => `libs/${l}`),
  ];
  for (const folder of folders) {
    for (const part of ['package.json', 'dist']) {
      if (existsSync(join(root, folder, part)))
        cpSync(join(root, folder, part), join(image, folder, part), { recursive: true });
    }
  }
  symlinkSync(`apps/${app}/dist/main.js`, join(image, 'main.js'));
}

const APPS = [UPSTREAM.app, ...MODELS.map((m) => m.app)];

describe.each(APPS)('%s, as its image would hold and run it (rehearsed: no Docker here)', (app) => {
  let image: string;

  beforeAll(async () => {
    image = mkdtempSync(join(tmpdir(), `image-${app}-`));
    copyManifests(image);
    const { command, env } = prodDepsStep(app);
    // Killed well inside the hook's limit, so a stuck install cannot outlive the suite.
    await run('sh', ['-c', command], { cwd: image, env, timeout: 240_000, killSignal: 'SIGKILL' });
    layOut(image, app);
  }, 300_000);

  afterAll(() => {
    if (image) rmSync(image, { recursive: true, force: true });
  });

  it('installs no build or test tool and nothing only other workspaces need', () => {
    expect(notForAServiceIn(join(image, 'node_modules'))).toEqual([]);
  });

  it('starts from main.js with that install alone, answers and stops cleanly', async () => {
    const service = await launch(join(image, 'main.js'), {
      name: app,
      cwd: image,
      // The image's environment (the Dockerfile sets NODE_ENV, HOST, PORT) plus admission off,
      // which the image leaves on: what is tested is the install, not a 503 on a busy machine.
      env: { NODE_ENV: 'production', HOST: '127.0.0.1', ...ADMISSION_OFF },
    });
    try {
      // Bounded, so a stuck answer fails the test and the finally still stops the service.
      const get = (path: string) =>
        fetch(`${service.url}${path}`, { signal: AbortSignal.timeout(10_000) });
      expect((await get('/healthz')).status).toBe(200);
      if (app !== UPSTREAM.app) {
        // Work on the model's threads or processes: their entries load from the image's dist too.
        expect(await (await get('/cpu/fib?n=20')).json()).toMatchObject({ result: 6765 });
      }
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});

it('reads .dockerignore as Docker does: what it names is left out, folders with what is below them', () => {
  const ignored = dockerignored();
  expect(
    [
      'node_modules/jest/package.json',
      'apps/lab/node_modules/x/package.json',
      'libs/locks/dist/package.json',
      '.git/HEAD',
      'reports/ci/jest.json',
      'observability/otel-collector/Dockerfile',
      'npm-debug.log',
    ].filter((path) => !ignored(path)),
  ).toEqual([]);
  expect(
    [
      'package.json',
      'package-lock.json',
      'apps/lab/package.json',
      'libs/distance/package.json',
    ].filter(ignored),
  ).toEqual([]);
});

it('negative control: the check finds every one of them in the repository’s own install', () => {
  expect(notForAServiceIn(join(root, 'node_modules'))).toEqual(NOT_FOR_A_SERVICE);
});

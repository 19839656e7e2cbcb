/**
 * Docker cannot run here (no engine), so a service image is never built. What can break an image
 * without any syntax error is rehearsed on the host instead, for each app docker-compose.yml
 * builds from the repository's Dockerfile:
 * - the production install: the `prod-deps` stage's RUN line, read from the Dockerfile and run as
 *   written on what the `manifests` stage leaves (its `find` line applied to the build context:
 *   every package.json, the lock, and what the root's lifecycle scripts run), with APP in its
 *   environment only if the stage declares `ARG APP` (Docker's rule: a build argument reaches a
 *   stage's RUN only through an ARG of that stage);
 * - the build stage's `npm ci`, which runs lifecycle scripts: each script it would run (the
 *   root's `postinstall`), run by npm in that same tree — not the install itself (~40 s for the
 *   whole workspace), so a script that needs an installed dependency would fail here first;
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
import { manifestsStageFiles, npmCiScripts } from '../test/support/manifests-stage';

const root = repoRoot();
const run = promisify(execFile);
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/**
 * What the `manifests` stage of `text` leaves of the build context, read from its own `find`
 * line (every package.json, the lock, and what the root's lifecycle scripts run), copied under
 * `to`; the paths copied.
 */
function copyManifests(to: string, text = dockerfile): string[] {
  const files = manifestsStageFiles(root, text);
  for (const path of files) cpSync(join(root, path), join(to, path));
  return files;
}

/** The environment a RUN gets here: this process's, less APP and npm's `npm_config_*`. */
function runEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => key !== 'APP' && !key.toLowerCase().startsWith('npm_config_'),
    ),
  );
}

/** What the `prod-deps` stage runs for `app`: its one RUN line and the environment it gets. */
function prodDepsStep(app: string): { command: string; env: NodeJS.ProcessEnv } {
  const stage = stages(parseDockerfile(dockerfile)).find((s) =>
    /\bAS\s+prod-deps$/i.test(s[0]?.args ?? ''),
  );
  const runs = stage?.filter((i) => i.keyword === 'RUN') ?? [];
  if (runs.length !== 1) {
    throw new Error(`expected one RUN in the prod-deps stage, found ${runs.length}`);
  }
  const declaresApp = stage?.some((i) => i.keyword === 'ARG' && /^APP(=|$)/.test(i.args)) ?? false;
  const env = runEnv();
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

/**
 * Runs, in a tree laid out by {@link copyManifests}, every lifecycle script the build stage's
 * `npm ci` runs there, each as npm runs it (`sh -c` in the package's folder, its environment);
 * one line per script that failed. `--ignore-scripts` on `npm run` runs the named script alone,
 * without its pre-/post- scripts (npm's docs, `ignore-scripts`): each event is its own entry.
 */
async function failingInstallScripts(tree: string, files: readonly string[]): Promise<string[]> {
  const failures: string[] = [];
  for (const { folder, event } of npmCiScripts(tree, files)) {
    const args = ['run', event, '--ignore-scripts', ...(folder ? ['--workspace', folder] : [])];
    try {
      await run('npm', args, { cwd: tree, env: runEnv(), timeout: 60_000, killSignal: 'SIGKILL' });
    } catch (error) {
      const { stderr = '', message } = error as { stderr?: string; message: string };
      failures.push(
        `${folder || '.'} ${event}: ${
          stderr
            .trim()
            .split('\n')
            .find((l) => /Error/.test(l)) ?? message
        }`,
      );
    }
  }
  return failures;
}

describe("the build stage's `npm ci`: its lifecycle scripts, on what the manifests stage leaves", () => {
  const trees: string[] = [];
  const tree = () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifests-stage-'));
    trees.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const dir of trees) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the root’s postinstall, and every other such script, to success', async () => {
    const dir = tree();
    const files = copyManifests(dir);
    expect(npmCiScripts(dir, files).map((s) => `${s.folder || '.'} ${s.event}`)).toContain(
      '. postinstall',
    );
    expect(await failingInstallScripts(dir, files)).toEqual([]);
  }, 120_000);

  it('negative control: the stage as it was (manifests only) fails as `docker build` did', async () => {
    const before = dockerfile.replace(/\s*!\s+-path\s+\.\/tools\/postinstall\.cjs/, '');
    expect(before).not.toBe(dockerfile);
    const dir = tree();
    expect(await failingInstallScripts(dir, copyManifests(dir, before))).toEqual([
      expect.stringMatching(
        /^\. postinstall: Error: Cannot find module '.*\/tools\/postinstall\.cjs'$/,
      ),
    ]);
  }, 120_000);
});

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

it('negative control: the check finds every one of them in the repository’s own install', () => {
  expect(notForAServiceIn(join(root, 'node_modules'))).toEqual(NOT_FOR_A_SERVICE);
});

/**
 * The Dockerfile's `manifests` stage deletes every file but the package manifests so that the
 * dependency layers stay cached; the `build` stage then runs `npm ci` on what is left, WITH
 * lifecycle scripts, and the root's `postinstall` runs `node tools/postinstall.cjs`. When the
 * stage deleted that file, `docker build` failed at `npm ci` ("Cannot find module
 * …/tools/postinstall.cjs"). Docker cannot run here: the stage's file set is rebuilt from its
 * own `find` line (support/manifests-stage.ts) and held against every script such an install
 * runs. e2e/image-runtime.test.ts runs those scripts in that file set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/repo-paths';
import { stages, parseDockerfile } from './support/dockerfile';
import {
  buildContext,
  dockerignored,
  manifestsKeeps,
  manifestsStageFiles,
  npmCiScripts,
  pathsNamedBy,
  runsInstallScripts,
  shellWords,
} from './support/manifests-stage';

const root = repoRoot();
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const contextFiles = new Set(buildContext(root).map((e) => e.path));
const isManifest = (path: string) => /(^|\/)package(-lock)?\.json$/.test(path);

/** The stages that install from the manifests stage's tree with lifecycle scripts on. */
function stagesRunningInstallScripts(text: string): string[] {
  return stages(parseDockerfile(text))
    .filter((stage) => stage.some((i) => i.keyword === 'COPY' && /--from=manifests\b/.test(i.args)))
    .filter((stage) => stage.some((i) => i.keyword === 'RUN' && runsInstallScripts(i.args)))
    .map((stage) => (stage[0]?.args ?? '').split(/\s+AS\s+/i)[1] ?? '?');
}

/** Each path a script of that install names that the manifests stage does not leave. */
function missingForInstallScripts(text: string): string[] {
  const kept = new Set(manifestsStageFiles(root, text));
  return npmCiScripts(root, [...kept]).flatMap((script) =>
    pathsNamedBy(script, contextFiles)
      .filter((path) => !kept.has(path))
      .map((path) => `${script.folder || '.'} ${script.event} → ${path}`),
  );
}

describe('the Dockerfile’s manifests stage and the installs that run on it', () => {
  it('the build stage installs with lifecycle scripts (prod-deps with --ignore-scripts)', () => {
    // What makes the check below matter: were every install `--ignore-scripts`, no file but the
    // manifests would be needed.
    expect(stagesRunningInstallScripts(dockerfile)).toEqual(['build']);
  });

  it('every file a lifecycle script of that `npm ci` names survives the stage', () => {
    expect(npmCiScripts(root, manifestsStageFiles(root, dockerfile))).toContainEqual({
      folder: '',
      event: 'postinstall',
      script: 'node tools/postinstall.cjs',
    });
    expect(missingForInstallScripts(dockerfile)).toEqual([]);
  });

  it('keeps every package.json and the lock, and besides them only what those scripts name', () => {
    const kept = manifestsStageFiles(root, dockerfile);
    const manifests = [...contextFiles].filter(isManifest);
    expect(manifests).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
    expect(kept.filter(isManifest)).toEqual(manifests);
    // Anything more would rebuild the dependency layers on a source edit.
    const named = npmCiScripts(root, kept).flatMap((s) => pathsNamedBy(s, contextFiles));
    expect(kept.filter((path) => !isManifest(path))).toEqual([...new Set(named)].sort());
  });

  it('negative control: the stage as it was (manifests only) loses tools/postinstall.cjs', () => {
    const before = dockerfile.replace(/\s*!\s+-path\s+\.\/tools\/postinstall\.cjs/, '');
    expect(before).not.toBe(dockerfile);
    expect(before).toMatch(
      /find \. -type f ! -name package\.json ! -name package-lock\.json -delete/,
    );
    expect(missingForInstallScripts(before)).toEqual(['. postinstall → tools/postinstall.cjs']);
  });
});

describe("reading the stage's find as GNU find does", () => {
  const withFind = (find: string) =>
    `FROM node:24.21.0-slim AS manifests\nWORKDIR /src\nCOPY . .\nRUN ${find} \\\n  && find . -type d -empty -delete\n`;
  const keeps = (find: string, path: string, regularFile = true) =>
    manifestsKeeps(withFind(find))({ path, regularFile });

  it('-name matches the base name; -path the whole ./path, its * across folders', () => {
    const find = "find . -type f ! -name 'package*.json' ! -path './tools/*' -delete";
    expect(
      [
        'package.json',
        'apps/x/package-lock.json',
        'tools/postinstall.cjs',
        'tools/src/deep/x.ts',
        'apps/tools/x.cjs',
        'README.md',
      ].map((path) => [path, keeps(find, path)]),
    ).toEqual([
      ['package.json', true],
      ['apps/x/package-lock.json', true],
      ['tools/postinstall.cjs', true],
      ['tools/src/deep/x.ts', true],
      ['apps/tools/x.cjs', false],
      ['README.md', false],
    ]);
  });

  it('-type f leaves what is not a regular file (a symbolic link)', () => {
    expect(keeps('find . -type f ! -name package.json -delete', 'link', false)).toBe(true);
  });

  it.each([
    'find . -type f -name "*.md" -delete',
    'find . -type f ! -name package.json -o -name x -delete',
    'find . -type f ! -newer package.json -delete',
    'find / -type f ! -name package.json -delete',
    'find . -type f ! -name package.json',
  ])('refuses a line it does not read: %s', (find) => {
    expect(() => manifestsKeeps(withFind(find))).toThrow(/expected/);
  });

  it('splits shell words as sh does for quotes and backslashes', () => {
    expect(shellWords(`find . ! -name 'a b' ! -path "./x\\"y" c\\ d`)).toEqual([
      'find',
      '.',
      '!',
      '-name',
      'a b',
      '!',
      '-path',
      './x"y',
      'c d',
    ]);
  });

  it('tells an install with scripts from one without', () => {
    expect(
      [
        'npm ci --no-audit --no-fund',
        'npm ci --ignore-scripts --no-audit',
        'apt-get update && npm install',
        'npm run build',
      ].map(runsInstallScripts),
    ).toEqual([true, false, true, false]);
  });
});

it('reads .dockerignore as Docker does: what it names is left out, folders with what is below them', () => {
  const ignored = dockerignored(root);
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

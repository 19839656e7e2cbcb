/**
 * What the Dockerfile's `manifests` stage leaves of the build context, read from the Dockerfile
 * itself (its `find … -delete` line), and what the install of a later stage needs of it: the
 * files the lifecycle scripts npm runs on `npm ci` name. Docker cannot run here, so both the
 * unit test (test/manifests-stage.test.ts) and the image rehearsal
 * (e2e/image-runtime.test.ts) rebuild the stage's file set with these functions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseDockerfile, stages, type Instruction } from './dockerfile';

/**
 * The build context's exclusions, from the repository's .dockerignore as Docker reads it: each
 * pattern is matched against the path from the context root (`**` any number of folders, `*`
 * and `?` within one name), and a folder that matches takes everything below it along.
 * Exceptions (`!…`) would change what is left, so a .dockerignore with one is refused here.
 */
export function dockerignored(root: string): (relativePath: string) => boolean {
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

/** A build-context entry: its path from the context root, and whether it is a regular file. */
export interface ContextEntry {
  path: string;
  regularFile: boolean;
}

/** Every file of the build context (`COPY . .` from the repository root), .dockerignore applied. */
export function buildContext(root: string): ContextEntry[] {
  const ignored = dockerignored(root);
  const entries: ContextEntry[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (ignored(path)) continue;
      if (entry.isDirectory()) walk(path);
      else entries.push({ path, regularFile: entry.isFile() });
    }
  };
  walk('');
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The stage named `name` (`FROM … AS name`), or an error naming the ones there are. */
export function stageNamed(dockerfile: string, name: string): Instruction[] {
  const all = stages(parseDockerfile(dockerfile));
  const stage = all.find((s) => new RegExp(`\\bAS\\s+${name}$`, 'i').test(s[0]?.args ?? ''));
  if (!stage) throw new Error(`the Dockerfile has no stage \`${name}\``);
  return stage;
}

/** Shell words of a command line: whitespace-separated, single and double quotes removed. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/(?:'[^']*'|"(?:\\.|[^"\\])*"|\\.|[^\s'"\\])+/g)) {
    words.push(
      match[0].replace(
        /'([^']*)'|"((?:\\.|[^"\\])*)"|\\(.)/g,
        (_all, single?: string, double?: string, escaped?: string) =>
          single ?? double?.replace(/\\(.)/g, '$1') ?? escaped ?? '',
      ),
    );
  }
  return words;
}

/**
 * A `find` pattern (`-name`, `-path`) as a regular expression: fnmatch(3) without FNM_PATHNAME,
 * which is how GNU find matches — `*` and `?` match `/` too, `[…]` is a class (`[!…]` negated),
 * a backslash quotes the next character.
 */
function fnmatch(pattern: string): RegExp {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') body += '.*';
    else if (c === '?') body += '.';
    else if (c === '\\' && i + 1 < pattern.length) body += escapeRegExp(pattern[++i] as string);
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      const inside = pattern
        .slice(i + 1, end)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\');
      body += `[${inside}]`;
      i = end;
    } else body += escapeRegExp(c);
  }
  return new RegExp(`^${body}$`, 's');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Which files the `manifests` stage keeps, from its `find . -type f ! -name P ! -path P …
 * -delete`: a regular file is deleted unless one of the negated patterns matches it (`-name`
 * its base name, `-path` its path as find prints it, `./…`); what is not a regular file (a
 * symbolic link) `-type f` never selects. Any other shape of the line is refused, so a change to
 * the stage is read here or fails here — never silently mis-read.
 */
export function manifestsKeeps(dockerfile: string): (entry: ContextEntry) => boolean {
  const stage = stageNamed(dockerfile, 'manifests');
  const runs = stage.filter((i) => i.keyword === 'RUN');
  const finds = runs.flatMap((run) =>
    run.args
      .split('&&')
      .map((command) => shellWords(command))
      .filter((words) => words[0] === 'find' && words.includes('-type') && words.includes('f')),
  );
  const [find, ...more] = finds;
  if (!find || more.length > 0)
    throw new Error(`expected one \`find . -type f … -delete\` in the manifests stage`);
  const [, start, type, f, ...rest] = find;
  if (start !== '.' || type !== '-type' || f !== 'f' || rest.at(-1) !== '-delete')
    throw new Error(`expected \`find . -type f … -delete\`, got \`${find.join(' ')}\``);
  const predicates = rest.slice(0, -1);
  const keepIf: { test: '-name' | '-path'; pattern: RegExp }[] = [];
  for (let i = 0; i < predicates.length; i += 3) {
    const [not, test, pattern] = predicates.slice(i, i + 3);
    if (not !== '!' || (test !== '-name' && test !== '-path') || pattern === undefined)
      throw new Error(
        `expected only \`! -name PATTERN\` / \`! -path PATTERN\` in the manifests stage's find, got \`${predicates.slice(i).join(' ')}\``,
      );
    keepIf.push({ test, pattern: fnmatch(pattern) });
  }
  return ({ path, regularFile }) =>
    !regularFile ||
    keepIf.some(({ test, pattern }) =>
      pattern.test(test === '-name' ? posix.basename(path) : `./${path}`),
    );
}

/** The build context's files the `manifests` stage leaves, paths from the context root. */
export function manifestsStageFiles(root: string, dockerfile: string): string[] {
  const keeps = manifestsKeeps(dockerfile);
  return buildContext(root)
    .filter(keeps)
    .map((e) => e.path);
}

/**
 * The root package's scripts `npm ci` runs, in order, unless `--ignore-scripts`: npm 11's
 * lib/commands/ci.js runs exactly these after reify ("run the same set of scripts that `npm
 * install` runs"; docs.npmjs.com/cli/v11/using-npm/scripts, "npm ci").
 */
export const NPM_CI_ROOT_EVENTS = [
  'preinstall',
  'install',
  'postinstall',
  'prepublish',
  'preprepare',
  'prepare',
  'postprepare',
] as const;

/**
 * A workspace's scripts on the same install: arborist builds each linked workspace
 * (workspaces/arborist/lib/arborist/rebuild.js, `_build` of type `links`) with preinstall,
 * prepare, install and postinstall.
 */
export const NPM_CI_WORKSPACE_EVENTS = ['preinstall', 'prepare', 'install', 'postinstall'] as const;

/** Whether a RUN command installs with npm and lets it run lifecycle scripts. */
export function runsInstallScripts(command: string): boolean {
  return command.split('&&').some((part) => {
    const words = shellWords(part);
    const npm = words.indexOf('npm');
    const verb = words[npm + 1];
    if (npm < 0 || !['ci', 'install', 'i', 'clean-install'].includes(verb ?? '')) return false;
    return !words.some((w) => w === '--ignore-scripts' || w === '--ignore-scripts=true');
  });
}

/** One lifecycle script an install runs: the package folder ('' for the root), event, command. */
export interface InstallScript {
  folder: string;
  event: string;
  script: string;
}

interface PackageJson {
  workspaces?: string[];
  scripts?: Record<string, string>;
}

/**
 * The lifecycle scripts `npm ci` runs in a tree holding `files` (paths from its root): the root
 * package's, then each workspace's (its `workspaces` globs — `dir/*` or `dir` — matched against
 * the package.json files there).
 */
export function npmCiScripts(root: string, files: readonly string[]): InstallScript[] {
  const read = (folder: string) =>
    JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as PackageJson;
  const top = read('');
  const workspaceFolders = files
    .filter((f) => f.endsWith('/package.json'))
    .map((f) => posix.dirname(f))
    .filter((folder) => (top.workspaces ?? []).some((glob) => fnmatchFolder(glob, folder)));
  const of = (folder: string, events: readonly string[], pkg: PackageJson) =>
    events.flatMap((event) => {
      const script = pkg.scripts?.[event];
      return script === undefined ? [] : [{ folder, event, script }];
    });
  return [
    ...of('', NPM_CI_ROOT_EVENTS, top),
    ...workspaceFolders.flatMap((folder) => of(folder, NPM_CI_WORKSPACE_EVENTS, read(folder))),
  ];
}

/** A `workspaces` glob against a folder: `*` within one name (npm's map-workspaces globs). */
function fnmatchFolder(glob: string, folder: string): boolean {
  const body = glob
    .replace(/\/+$/, '')
    .split('/')
    .map((part) => escapeRegExp(part).replace(/\\\*/g, '[^/]*'))
    .join('/');
  return new RegExp(`^${body}$`).test(folder);
}

/**
 * The words of `script` that name a path of the build context (relative to the package's
 * folder) — `node tools/postinstall.cjs` names `tools/postinstall.cjs` — and every word that
 * looks like a file (has a `/` or a script's extension) whether or not the context has it.
 */
export function pathsNamedBy(
  { folder, script }: InstallScript,
  contextFiles: ReadonlySet<string>,
): string[] {
  return shellWords(script).flatMap((word) => {
    if (word.startsWith('-') || /^\w+=/.test(word) || /^[|&;<>()]+$/.test(word)) return [];
    const path = posix.normalize(posix.join(folder, word));
    const inContext = contextFiles.has(path);
    const looksLikeFile = /\//.test(word) || /\.(c|m)?(js|ts)$|\.sh$/.test(word);
    return inContext || looksLikeFile ? [path] : [];
  });
}

import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFolderCanBeMade, folderStamp, writeReportFolder } from '../src';

describe('folderStamp', () => {
  it('turns an ISO time into a folder name that sorts as the time does', () => {
    expect(folderStamp('2025-02-03T04:05:06.789Z')).toBe('2025-02-03T04-05-06-789Z');
  });
});

describe('writeReportFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'report-folder-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes text as is and records as indented JSON, creating the folder', () => {
    const dir = writeReportFolder(join(root, 'nested', 'first'), {
      'report.json': { a: 1 },
      'report.md': '# A\n',
    });
    expect(dir).toBe(join(root, 'nested', 'first'));
    expect(readdirSync(dir).sort()).toEqual(['report.json', 'report.md']);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('{\n  "a": 1\n}\n');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe('# A\n');
    // Without `latest`, nothing is written beside it.
    expect(readdirSync(join(root, 'nested'))).toEqual(['first']);
  });

  it('points `latest` at the newest folder by its relative name, replacing the old link', () => {
    writeReportFolder(join(root, 'one'), { 'x.md': '1' }, { latest: 'latest' });
    expect(readlinkSync(join(root, 'latest'))).toBe('one');
    writeReportFolder(join(root, 'two'), { 'x.md': '2' }, { latest: 'latest' });
    expect(readlinkSync(join(root, 'latest'))).toBe('two');
    expect(readFileSync(join(root, 'latest', 'x.md'), 'utf8')).toBe('2');
  });

  it('replaces a link whose folder is gone', () => {
    const here = mkdirIn(root, 'dangling');
    symlinkSync('deleted-report', join(here, 'latest'), 'dir');
    writeReportFolder(join(here, 'new'), { 'x.md': 'n' }, { latest: 'latest' });
    expect(readlinkSync(join(here, 'latest'))).toBe('new');
  });

  it('leaves a real folder named `latest` as it is, and says so with EEXIST once the report is written', () => {
    const here = mkdirIn(root, 'taken-by-folder');
    mkdirSync(join(here, 'latest'));
    writeFileSync(join(here, 'latest', 'keep.md'), 'mine');
    expect(() => writeReportFolder(join(here, 'r'), { 'x.md': 'r' }, { latest: 'latest' })).toThrow(
      expect.objectContaining({
        code: 'EEXIST',
        path: join(here, 'latest'),
        message: `Expected ${join(here, 'latest')} to be the link to the newest report, found a folder: left as it is; the report is written in ${join(here, 'r')}`,
      }),
    );
    expect(readFileSync(join(here, 'latest', 'keep.md'), 'utf8')).toBe('mine');
    expect(readFileSync(join(here, 'r', 'x.md'), 'utf8')).toBe('r');
  });

  it('leaves a file named `latest` as it is', () => {
    const here = mkdirIn(root, 'taken-by-file');
    writeFileSync(join(here, 'latest'), 'notes');
    expect(() => writeReportFolder(join(here, 'r'), { 'x.md': 'r' }, { latest: 'latest' })).toThrow(
      expect.objectContaining({ code: 'EEXIST', message: expect.stringContaining('found a file') }),
    );
    expect(readFileSync(join(here, 'latest'), 'utf8')).toBe('notes');
  });

  it('keeps the report when `latest` names its own folder', () => {
    const here = mkdirIn(root, 'own-name');
    expect(() =>
      writeReportFolder(join(here, 'latest'), { 'x.md': 'r' }, { latest: 'latest' }),
    ).toThrow(
      expect.objectContaining({
        code: 'EEXIST',
        message: expect.stringContaining('found the report’s own folder'),
      }),
    );
    expect(readFileSync(join(here, 'latest', 'x.md'), 'utf8')).toBe('r');
  });
});

describe('writeReportFolder, where the file system cannot make the folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'report-folder-made-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /**
   * `writeReportFolder(dir, …)` in a child process, killed after 10 s: Node 24's recursive mkdir
   * never returns under /proc, and a hang must fail this test, not stall the runner. The child
   * runs the source (Node 24 strips its types).
   */
  const writeInChild = (dir: string) => {
    const source = join(__dirname, '..', 'src', 'report-folder.ts');
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `try { require(${JSON.stringify(source)}).writeReportFolder(${JSON.stringify(dir)}, { 'x.md': 'x' }); }
         catch (error) { process.stderr.write(String(error.code)); process.exit(3); }`,
      ],
      { encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL' },
    );
    return { status: child.status, signal: child.signal, code: child.stderr };
  };

  it.each(['/proc/nope', '/proc/self/nope/x'])(
    'fails on %s with the file system’s error, never spinning',
    (dir) => {
      expect(writeInChild(dir)).toEqual({
        status: 3,
        signal: null,
        code: expect.stringMatching(/^(ENOENT|EACCES)$/),
      });
    },
    20_000,
  );

  it('makes a new nested folder, and writes into one that is there', () => {
    expect(writeInChild(join(root, 'a', 'b'))).toEqual({ status: 0, signal: null, code: '' });
    expect(writeReportFolder(join(root, 'a', 'b'), { 'y.md': 'y' })).toBe(join(root, 'a', 'b'));
    expect(readdirSync(join(root, 'a', 'b')).sort()).toEqual(['x.md', 'y.md']);
  });

  it('refuses a file where the folder goes, or above it, leaving the file as it is', () => {
    writeFileSync(join(root, 'file'), 'mine');
    expect(() => writeReportFolder(join(root, 'file'), { 'x.md': 'x' })).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    expect(() => writeReportFolder(join(root, 'file', 'r'), { 'x.md': 'x' })).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
    expect(readFileSync(join(root, 'file'), 'utf8')).toBe('mine');
  });
});

describe('checkFolderCanBeMade', () => {
  const root = mkdtempSync(join(tmpdir(), 'report-folder-check-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('takes a new nested folder and one that is there, and makes nothing (control)', () => {
    checkFolderCanBeMade(join(root, 'a', 'b', 'c'));
    checkFolderCanBeMade(root);
    expect(readdirSync(root)).toEqual([]);
  });

  it.each([
    ['a file', () => writeFileSync(join(root, 'file'), 'x'), 'file', 'EEXIST', 'file'],
    [
      'a folder under a file',
      () => writeFileSync(join(root, 'f2'), 'x'),
      'f2/x/y',
      'ENOTDIR',
      'f2',
    ],
    [
      'a dangling link',
      () => symlinkSync(join(root, 'nowhere', 'x'), join(root, 'dangling')),
      'dangling',
      'EEXIST',
      'dangling',
    ],
    [
      'a folder under a dangling link',
      () => symlinkSync(join(root, 'nowhere', 'y'), join(root, 'dangling2')),
      'dangling2/x',
      'EEXIST',
      'dangling2',
    ],
    // Root may write there by access(W_OK), yet no folder can be made: the run would be lost.
    ['/proc, as root too', () => undefined, '/proc', /^(ENOENT|EACCES)$/, '/proc'],
    [
      'a folder under /proc',
      () => undefined,
      '/proc/self/nope/x',
      /^(ENOENT|EACCES)$/,
      '/proc/self',
    ],
    ['/sys/kernel, as root too', () => undefined, '/sys/kernel', /^(EPERM|EACCES)$/, '/sys/kernel'],
  ])(
    'refuses %s with the file system’s code, naming the path at fault',
    (_, make, name, code, at) => {
      make();
      const inRoot = (path: string) => (path.startsWith('/') ? path : join(root, path));
      expect(() => checkFolderCanBeMade(inRoot(name))).toThrow(
        expect.objectContaining({
          code: typeof code === 'string' ? code : expect.stringMatching(code),
          path: inRoot(at),
          // EEXIST alone cannot tell a link to nothing from a file: the callers' words can.
          danglingLink: name.startsWith('dangling'),
        }),
      );
      expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
    },
  );
});

/** A fresh folder `name` in `parent`, so each case has a `latest` of its own. */
function mkdirIn(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  return dir;
}

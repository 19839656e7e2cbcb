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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderStamp, writeReportFolder } from '../src';

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

/** A fresh folder `name` in `parent`, so each case has a `latest` of its own. */
function mkdirIn(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  return dir;
}

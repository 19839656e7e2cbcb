import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
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
});

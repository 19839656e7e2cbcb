import { tempFolder } from '@concurrency-lab/launcher/testing';
import { existsSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareOutFolder } from '../src/out-folder';

describe('prepareOutFolder', () => {
  const root = tempFolder('lab-out-folder-');

  it('makes a new nested folder, and takes one that exists (control)', () => {
    const dir = join(root, 'a', 'b', 'c');
    expect(prepareOutFolder(dir)).toBe(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(prepareOutFolder(dir)).toBe(dir);
  });

  it.each([
    ['a file', () => writeFileSync(join(root, 'file'), 'x'), 'file', /it is a file \(EEXIST\)/],
    ['under a file', () => writeFileSync(join(root, 'f2'), 'x'), 'f2/x', /ENOTDIR/],
    [
      'a dangling link',
      () => symlinkSync(join(root, 'nowhere', 'x'), join(root, 'dangling')),
      'dangling',
      /EEXIST/,
    ],
    // Where mkdir says ENOENT and its parent exists: Node 24's recursive mkdir looped forever.
    ['a folder /proc cannot hold', () => undefined, '/proc/nope', /ENOENT/],
    ['a folder under /proc/self', () => undefined, '/proc/self/nope/x', /ENOENT/],
  ])('refuses %s, coded', (_what, make, name, words) => {
    make();
    const dir = name.startsWith('/') ? name : join(root, name);
    expect(() => prepareOutFolder(dir)).toThrow(
      expect.objectContaining({
        code: 'ERR_LAB_OUT_UNUSABLE',
        message: expect.stringMatching(words),
      }),
    );
    expect(existsSync(join(root, 'nowhere'))).toBe(false);
  });
});

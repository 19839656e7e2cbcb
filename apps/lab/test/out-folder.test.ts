import { tempFolder } from '@concurrency-lab/launcher/testing';
import { existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutFolder } from '../src/out-folder';

describe('checkOutFolder', () => {
  const root = tempFolder('lab-out-folder-');

  it('takes a new nested folder and one that exists, making nothing (control)', () => {
    const dir = join(root, 'a', 'b', 'c');
    expect(checkOutFolder(dir)).toBe(dir);
    expect(checkOutFolder(root)).toBe(root);
    // The report's writer makes it: a run that ends without a report leaves no empty folder.
    expect(readdirSync(root)).toEqual([]);
  });

  it.each([
    ['a file', () => writeFileSync(join(root, 'file'), 'x'), 'file', /it is a file \(EEXIST\)/],
    ['under a file', () => writeFileSync(join(root, 'f2'), 'x'), 'f2/x', /ENOTDIR/],
    [
      'a dangling link',
      () => symlinkSync(join(root, 'nowhere', 'x'), join(root, 'dangling')),
      'dangling',
      /it is a link to nothing \(EEXIST\)/,
    ],
    // Where mkdir says ENOENT and its parent exists: Node 24's recursive mkdir looped forever.
    ['a folder /proc cannot hold', () => undefined, '/proc/nope', /ENOENT/],
    ['a folder under /proc/self', () => undefined, '/proc/self/nope/x', /ENOENT/],
    // Folders root may write to by access(W_OK), yet where none can be made: /proc's made the
    // report's writer spin for ever at the end of the run, /sys's lost the run with EPERM.
    ['/proc, as root too', () => undefined, '/proc', /\((ENOENT|EACCES)\)/],
    ['/sys/kernel, as root too', () => undefined, '/sys/kernel', /\((EPERM|EACCES)\)/],
  ])('refuses %s, coded', (_what, make, name, words) => {
    make();
    const dir = name.startsWith('/') ? name : join(root, name);
    expect(() => checkOutFolder(dir)).toThrow(
      expect.objectContaining({
        code: 'ERR_LAB_OUT_UNUSABLE',
        message: expect.stringMatching(words),
      }),
    );
    expect(existsSync(join(root, 'nowhere'))).toBe(false);
  });
});

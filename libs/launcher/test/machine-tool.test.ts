import { jest } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { findMachineTool, machineToolOrSkip, whyMissing } from '../src/machine-tool';
import { tempFolder } from '../src/testing';

const node = {
  name: 'node',
  envVar: 'NODE_BIN',
  install: 'it came with jest',
  usedFor: 'this test',
};
const absent = { ...node, name: 'no-such-tool-here' };

describe('a program of the machine that an end-to-end test needs', () => {
  it('is found through its variable first, else on PATH, else not at all', () => {
    expect(findMachineTool(node, { NODE_BIN: process.execPath, PATH: '' })).toBe(process.execPath);
    expect(findMachineTool(node, { PATH: dirname(process.execPath) })).toBe(process.execPath);
    // A variable that points at nothing runnable is not worked around through PATH.
    expect(
      findMachineTool(node, { NODE_BIN: '/nonexistent/node', PATH: dirname(process.execPath) }),
    ).toBeUndefined();
    expect(findMachineTool(absent, { PATH: dirname(process.execPath) })).toBeUndefined();
  });

  describe('is a file that runs, not a folder of its name', () => {
    // A folder `node` early on PATH (search permission is X_OK too), one not executable, and a
    // link to the real program, which is followed.
    const root = tempFolder('launcher-machine-tool-');
    const folder = join(root, 'folder');
    const plain = join(root, 'plain');
    const linked = join(root, 'linked');
    mkdirSync(join(folder, 'node'), { recursive: true });
    mkdirSync(plain);
    writeFileSync(join(plain, 'node'), '', { mode: 0o644 });
    mkdirSync(linked);
    symlinkSync(process.execPath, join(linked, 'node'));
    const onPath = (...dirs: string[]): NodeJS.ProcessEnv => ({ PATH: dirs.join(delimiter) });

    it('passes over a folder or a file it cannot run on PATH, and takes a link', () => {
      const real = dirname(process.execPath);
      expect(findMachineTool(node, onPath(folder, plain, real))).toBe(process.execPath);
      expect(findMachineTool(node, onPath(folder, plain))).toBeUndefined();
      expect(findMachineTool(node, onPath(linked, real))).toBe(join(linked, 'node'));
    });

    it('refuses its variable pointing at a folder', () => {
      const env = { NODE_BIN: join(folder, 'node'), PATH: dirname(process.execPath) };
      expect(findMachineTool(node, env)).toBeUndefined();
      expect(whyMissing(node, env)).toBe(`NODE_BIN=${env.NODE_BIN} is not a program that runs`);
    });
  });

  it('says why it is missing: the variable that points at nothing that runs, else how to install', () => {
    expect(whyMissing(node, { NODE_BIN: '/nonexistent/node', PATH: '' })).toBe(
      'NODE_BIN=/nonexistent/node is not a program that runs',
    );
    expect(whyMissing(absent, { PATH: '' })).toBe(
      'no-such-tool-here is not installed (it came with jest) and NODE_BIN is unset',
    );
  });

  it('missing, fails in CI, naming how to install it: CI never skips', () => {
    expect(() => machineToolOrSkip(absent, { CI: 'true', PATH: '' })).toThrow(
      /no-such-tool-here is not installed \(it came with jest\) and NODE_BIN is unset: the tests of this test need it \(CI runs them all\)/,
    );
  });

  it('missing elsewhere, is a skip said once on stderr; found, its path', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(machineToolOrSkip(absent, { PATH: '' })).toEqual({
        skip: expect.stringContaining('no-such-tool-here is not installed'),
      });
      expect(write).toHaveBeenCalledTimes(1);
      expect(String(write.mock.calls[0]?.[0])).toMatch(/^skipping: no-such-tool-here/);
      expect(machineToolOrSkip(node, { NODE_BIN: process.execPath })).toEqual({
        path: process.execPath,
      });
      expect(write).toHaveBeenCalledTimes(1);
      expect(machineToolOrSkip(node, { NODE_BIN: '/nonexistent/node' })).toEqual({
        skip: 'NODE_BIN=/nonexistent/node is not a program that runs: the tests of this test need it',
      });
    } finally {
      write.mockRestore();
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { tempFolder } from '../src/testing';

describe('tempFolder', () => {
  let path = '';

  describe('within the describe that asked for it', () => {
    path = tempFolder('launcher-temp-folder-');

    it('is a new empty folder in the OS temp folder, named by its prefix', () => {
      expect(dirname(path)).toBe(tmpdir());
      expect(basename(path)).toMatch(/^launcher-temp-folder-.{6}$/);
      expect(readdirSync(path)).toEqual([]);
    });

    it('holds what a test writes into it', () => {
      writeFileSync(join(path, 'report.json'), '{}');
      expect(readdirSync(path)).toEqual(['report.json']);
    });
  });

  it('is removed, with what it held, after that describe', () => {
    expect(path).not.toBe('');
    expect(existsSync(path)).toBe(false);
  });
});

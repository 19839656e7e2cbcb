import { describe, expect, it } from '@jest/globals';
import { useEnv } from '../src/testing';

// Describe blocks run in order, and a block's afterAll before the next block's tests: each
// "after" block reads what the block before it left.
const UNSET = 'LAUNCHER_TEST_USE_ENV_UNSET';
const SET = 'LAUNCHER_TEST_USE_ENV_SET';
delete process.env[UNSET];
process.env[SET] = 'before';

describe('useEnv on a variable that was unset', () => {
  useEnv(UNSET, 'during');
  it('sets it for the block', () => expect(process.env[UNSET]).toBe('during'));
});

describe('after it', () => {
  it('is unset again, not set to the text "undefined"', () => {
    expect(Object.hasOwn(process.env, UNSET)).toBe(false);
  });
});

describe('useEnv on a variable that was set', () => {
  useEnv(SET, 'during');
  it('replaces it for the block', () => expect(process.env[SET]).toBe('during'));
});

describe('after that', () => {
  it('holds its old value again', () => expect(process.env[SET]).toBe('before'));
});

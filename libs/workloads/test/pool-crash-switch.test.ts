import { POOL_CRASH_SWITCH, poolCrashFibN } from '../src/index';

describe('the pool crash switch', () => {
  it('is off unless set to a plain n from 0 to 40', () => {
    expect(poolCrashFibN({})).toBeUndefined();
    expect(poolCrashFibN({ [POOL_CRASH_SWITCH]: '31' })).toBe(31);
    expect(poolCrashFibN({ [POOL_CRASH_SWITCH]: '0' })).toBe(0);
    for (const typo of ['', ' 31', '31x', '1e1', '41', '-1', '3.5']) {
      expect([typo, poolCrashFibN({ [POOL_CRASH_SWITCH]: typo })]).toEqual([typo, undefined]);
    }
  });
});

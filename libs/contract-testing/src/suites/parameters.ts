import { describe, expect, it } from '@jest/globals';
import type { ContractContext } from '../contract-target';
import { invalidIntValues, PARAM_CASES, queryString, type ParamCase } from '../param-cases';
import { expectAccepted, expectProblem } from '../problem-assertions';

type Query = Record<string, string | string[]>;

/**
 * Every parameter of every route through the same edges: min, max, max+1, below min, float,
 * empty, `1e3`, `0x10`, `+1`, a word, a repeated key, an unknown key and a missing value.
 */
export function describeParameters(ctx: ContractContext): void {
  const cases = PARAM_CASES.map((c): [string, ParamCase] => [
    `${c.method} ${c.path} ${c.param}`,
    c,
  ]);
  describe.each(cases)('parameter %s', (_label, c) => {
    const first = c.kind === 'enum' ? (c.values[0] ?? '') : '';
    const url = (params: Query) => `${ctx.base()}${c.path}${queryString(params)}`;
    const expect400 = async (params: Query, names: string) => {
      const response = await fetch(url(params), { method: c.method });
      const problem = await expectProblem(response, 400, 'ERR_INVALID_PARAM');
      expect(problem.detail).toContain(`\`${names}\``);
    };

    if (c.kind === 'int') {
      it('accepts its minimum', () =>
        expectAccepted(url({ ...c.base, [c.param]: String(c.min) }), c.method, false));
      it(
        'accepts its maximum',
        () =>
          expectAccepted(
            url({ ...c.base, [c.param]: String(c.max) }),
            c.method,
            c.slowMax ?? false,
          ),
        30_000,
      );
      it.each(invalidIntValues(c))('refuses %s (%s) naming the parameter', (_l, value) =>
        expect400({ ...c.base, [c.param]: value }, c.param),
      );
      it('refuses a repeated key', () =>
        expect400({ ...c.base, [c.param]: [String(c.min), String(c.min)] }, c.param));
    } else {
      it.each(c.values)('accepts %s', (value) =>
        expectAccepted(url({ ...c.base, [c.param]: value }), c.method, false),
      );
      it.each([
        ['unknown', 'bogus'],
        ['empty', ''],
        ['wrong case', first.toUpperCase()],
      ])('refuses %s (%s) naming the parameter', (_l, value) =>
        expect400({ ...c.base, [c.param]: value }, c.param),
      );
      it('refuses a repeated key', () =>
        expect400({ ...c.base, [c.param]: [first, first] }, c.param));
    }
    it('refuses a missing value naming the parameter', () => expect400({ ...c.base }, c.param));
    it('refuses an unknown extra key naming it', () =>
      expect400(
        { ...c.base, [c.param]: c.kind === 'int' ? String(c.min) : first, bogus: '1' },
        'bogus',
      ));
  });
}

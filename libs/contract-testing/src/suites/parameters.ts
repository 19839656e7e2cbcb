import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ContractContext } from '../contract-target';
import {
  invalidIntValues,
  PARAM_CASES,
  queryString,
  type IntParamCase,
  type ParamCase,
} from '../param-cases';
import {
  answerWithin,
  ANSWER_BOUND_MS,
  expectAccepted,
  expectProblem,
  type BoundedAnswer,
} from '../problem-assertions';

type Query = Record<string, string | string[]>;

/** What jest gives a test beyond the bound it waits for: the bound's own message comes first. */
const JEST_MARGIN_MS = 5_000;
const ANSWER_TIMEOUT_MS = ANSWER_BOUND_MS + JEST_MARGIN_MS;

/**
 * Every parameter of every route through the same edges: min, max, max+1, below min, float,
 * empty, `1e3`, `0x10`, `+1`, a word, a repeated key, an unknown key and a missing value; and on
 * every route an unknown and a repeated key after 1,000 empty pairs. A
 * value is accepted when it is answered 200 within its bound (the maximum included): a 500 or a
 * hang says the service took it in and could not serve it.
 */
export function describeParameters(ctx: ContractContext): void {
  const cases = PARAM_CASES.map((c): [string, ParamCase] => [
    `${c.method} ${c.path} ${c.param}`,
    c,
  ]);
  const url = (c: ParamCase, params: Query) => `${ctx.base()}${c.path}${queryString(params)}`;
  const maxUrl = (c: IntParamCase) => url(c, { ...c.base, [c.param]: String(c.max) });

  describe('parameters', () => {
    // The slow maxima (a 10 s sleep, fib(40)) are sent together when the part starts and
    // answered while the other tests run: awaited in turn they would add half a minute.
    const slowMaxima = new Map<ParamCase, Promise<BoundedAnswer>>();
    const slowBound = Math.max(
      0,
      ...PARAM_CASES.map((c) => (c.kind === 'int' ? (c.slowMax?.boundMs ?? 0) : 0)),
    );
    beforeAll(() => {
      for (const c of PARAM_CASES) {
        if (c.kind === 'int' && c.slowMax)
          slowMaxima.set(c, answerWithin(maxUrl(c), c.method, c.slowMax.boundMs));
      }
    });
    // None may still run when the suite's next part (or its service's stop) comes.
    afterAll(() => Promise.all(slowMaxima.values()), slowBound + JEST_MARGIN_MS);

    describe.each(cases)('parameter %s', (_label, c) => {
      const first = c.kind === 'enum' ? (c.values[0] ?? '') : '';
      const expect400 = async (params: Query, names: string) => {
        const response = await fetch(url(c, params), { method: c.method });
        const problem = await expectProblem(response, 400, 'ERR_INVALID_PARAM');
        expect(problem.detail).toContain(`\`${names}\``);
      };
      const accepts = (params: Query) => expectAccepted(answerWithin(url(c, params), c.method));

      if (c.kind === 'int') {
        it(
          'accepts its minimum',
          () => accepts({ ...c.base, [c.param]: String(c.min) }),
          ANSWER_TIMEOUT_MS,
        );
        it(
          'accepts its maximum',
          () =>
            expectAccepted(
              slowMaxima.get(c) ?? answerWithin(maxUrl(c), c.method, c.slowMax?.boundMs),
            ),
          (c.slowMax?.boundMs ?? ANSWER_BOUND_MS) + JEST_MARGIN_MS,
        );
        it.each(invalidIntValues(c))('refuses %s (%s) naming the parameter', (_l, value) =>
          expect400({ ...c.base, [c.param]: value }, c.param),
        );
        it('refuses a repeated key', () =>
          expect400({ ...c.base, [c.param]: [String(c.min), String(c.min)] }, c.param));
      } else {
        it.each(c.values)(
          'accepts %s',
          (value) => accepts({ ...c.base, [c.param]: value }),
          ANSWER_TIMEOUT_MS,
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

    // node:querystring keeps the first 1,000 pairs and drops the rest unless told otherwise: an
    // unknown or repeated key past them must still be seen and refused.
    describe.each(routesOnce())('a query of more than 1,000 pairs on %s', (_label, c) => {
      const valid = c.kind === 'int' ? String(c.min) : (c.values[0] ?? '');
      const query = queryString({ ...c.base, [c.param]: valid });
      const past = async (pair: string, names: string) => {
        const response = await fetch(`${ctx.base()}${c.path}${query}${PAD}${pair}`, {
          method: c.method,
        });
        const problem = await expectProblem(response, 400, 'ERR_INVALID_PARAM');
        expect(problem.detail).toContain(`\`${names}\``);
      };
      it('refuses an unknown key after them, naming it', () => past('bogus=1', 'bogus'));
      it('refuses a repeated key after them, naming it', () =>
        past(`${c.param}=${valid}`, c.param));
    });
  });
}

/** 1,000 empty pairs: node:querystring counts each `&` as one. */
const PAD = '&'.repeat(1000);

/** One parameter case per route (method and path), labelled with the route. */
function routesOnce(): Array<[string, ParamCase]> {
  const byRoute = new Map<string, ParamCase>();
  for (const c of PARAM_CASES) {
    const route = `${c.method} ${c.path}`;
    if (!byRoute.has(route)) byRoute.set(route, c);
  }
  return [...byRoute];
}

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse } from 'node:querystring';
import {
  boolParam,
  enumParam,
  FIB_PARAMS,
  FILTER_GENERATED_PARAMS,
  FILTER_UPLOAD_PARAMS,
  INCREMENT_PARAMS,
  intParam,
  MIXED_PARAMS,
  parseQuery,
  PRIMES_PARAMS,
  ProblemError,
  SCRAPE_PARAMS,
  SLEEP_PARAMS,
  type ParamSpec,
} from '../src/index';
import { thrownAs } from '@concurrency-lab/errors/testing';

/** Asserts a 400 ERR_INVALID_PARAM whose detail names `name` in backticks. */
function expectRefused(fn: () => unknown, name: string): void {
  const error = thrownAs(ProblemError, fn);
  expect(error.code).toBe('ERR_INVALID_PARAM');
  expect(error.status).toBe(400);
  expect(error.detail).toContain(`\`${name}\``);
}

const one = <T>(spec: ParamSpec<T>) => ({ v: spec });

/**
 * The tables of a spec given as the parameter `name`: a test per `[raw, value]` it accepts, and
 * per `[label, raw]` it refuses with a 400 naming `name`.
 */
function itParses<T>(
  name: string,
  spec: ParamSpec<T>,
  cases: {
    accepts: readonly (readonly [raw: string, value: T])[];
    refuses: readonly (readonly [label: string, raw: string])[];
  },
): void {
  const specs = { [name]: spec };
  it.each(cases.accepts)('accepts %j as %j', (raw, value) => {
    expect(parseQuery({ [name]: raw }, specs)).toEqual({ [name]: value });
  });
  it.each(cases.refuses)('refuses %s (%j) naming the parameter', (_label, raw) => {
    expectRefused(() => parseQuery({ [name]: raw }, specs), name);
  });
}

describe('intParam', () => {
  const specs = { n: intParam(0, 40) };

  itParses('n', specs.n, {
    accepts: [
      ['0', 0],
      ['1', 1],
      ['39', 39],
      ['40', 40],
    ],
    refuses: [
      ['an exponent', '1e3'],
      ['hex', '0x10'],
      ['a fraction', '1.5'],
      ['a trailing decimal point', '1.'],
      ['a negative number', '-1'],
      ['negative zero', '-0'],
      ['the empty string', ''],
      ['a leading plus', '+1'],
      ['a leading zero', '01'],
      ['max+1', '41'],
      ['a leading space', ' 1'],
      ['a trailing newline', '1\n'],
      ['a word', 'ten'],
      ['Arabic-Indic digits', '١'],
      ['full-width digits', '１'],
      ['Infinity', 'Infinity'],
      ['NaN', 'NaN'],
    ],
  });

  it('refuses a value below a non-zero minimum', () => {
    expectRefused(() => parseQuery({ limit: '1' }, { limit: intParam(2, 10) }), 'limit');
    expect(parseQuery({ limit: '2' }, { limit: intParam(2, 10) })).toEqual({ limit: 2 });
  });

  it('refuses a number far beyond the safe-integer range', () => {
    expectRefused(() => parseQuery({ n: '9'.repeat(400) }, specs), 'n');
  });

  it('describes what it expects with the bounds in it', () => {
    expect(intParam(2, 20_000_000).expected).toContain('20,000,000');
  });
});

describe('enumParam', () => {
  itParses('filter', enumParam(['blur', 'sharpen', 'grayscale'] as const), {
    accepts: [
      ['blur', 'blur'],
      ['sharpen', 'sharpen'],
      ['grayscale', 'grayscale'],
    ],
    refuses: [
      ['an unknown value', 'sepia'],
      ['the wrong case', 'BLUR'],
      ['the empty string', ''],
      ['a padded value', ' blur'],
      ['an Object.prototype member', 'toString'],
      ['another Object.prototype member', 'constructor'],
      ['the prototype key', '__proto__'],
    ],
  });
});

describe('boolParam', () => {
  it('parses `true` and `false` into booleans', () => {
    expect(parseQuery({ v: 'true' }, one(boolParam()))).toEqual({ v: true });
    expect(parseQuery({ v: 'false' }, one(boolParam()))).toEqual({ v: false });
  });

  it.each(['TRUE', 'False', '1', '0', 'yes', 'no', '', 'on'])(
    'refuses %j naming the parameter',
    (raw) => {
      expectRefused(() => parseQuery({ v: raw }, one(boolParam())), 'v');
    },
  );
});

describe('parseQuery', () => {
  const specs = { ms: intParam(0, 10_000), n: intParam(0, 40) };

  it('parses a query string the way the app receives it (node:querystring)', () => {
    expect(parseQuery(parse('ms=10&n=5'), specs)).toEqual({ ms: 10, n: 5 });
  });

  it('refuses a repeated key, naming it', () => {
    expectRefused(() => parseQuery(parse('ms=10&n=5&n=5'), specs), 'n');
  });

  it('refuses a repeated key even when every copy is valid and equal', () => {
    expectRefused(() => parseQuery({ ms: ['1', '1'], n: '1' }, specs), 'ms');
  });

  it('refuses an unknown key, naming the unknown key', () => {
    expectRefused(() => parseQuery(parse('ms=10&n=5&nn=5'), specs), 'nn');
  });

  it('refuses an unknown key before looking at the known ones', () => {
    expectRefused(() => parseQuery(parse('ms=bogus&typo=1'), specs), 'typo');
  });

  it('refuses a missing key, naming it', () => {
    expectRefused(() => parseQuery(parse('ms=10'), specs), 'n');
  });

  it('refuses every key on a route that takes none', () => {
    expectRefused(() => parseQuery(parse('x=1'), {}), 'x');
  });

  it('accepts an empty or absent query on a route that takes none', () => {
    expect(parseQuery(parse(''), {})).toEqual({});
    expect(parseQuery(undefined, {})).toEqual({});
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'treats the prototype-ish key %s as unknown',
    (key) => {
      expectRefused(() => parseQuery(parse(`${key}=1&ms=1&n=1`), specs), key);
    },
  );

  it('refuses an empty key as unknown', () => {
    const error = thrownAs(ProblemError, () => parseQuery(parse('=1&ms=1&n=1'), specs));
    expect(error.code).toBe('ERR_INVALID_PARAM');
    expect(error.detail).toContain('``');
  });
});

describe('the route parameter specs', () => {
  it.each([
    ['FIB_PARAMS.n', 0, 40, FIB_PARAMS.n],
    ['PRIMES_PARAMS.limit', 2, 20_000_000, PRIMES_PARAMS.limit],
    ['FILTER_GENERATED_PARAMS.size', 16, 1024, FILTER_GENERATED_PARAMS.size],
    ['SLEEP_PARAMS.ms', 0, 10_000, SLEEP_PARAMS.ms],
    ['SCRAPE_PARAMS.pages', 1, 50, SCRAPE_PARAMS.pages],
    ['MIXED_PARAMS.ms', 0, 10_000, MIXED_PARAMS.ms],
    ['MIXED_PARAMS.n', 0, 40, MIXED_PARAMS.n],
    ['INCREMENT_PARAMS.times', 1, 1_000_000, INCREMENT_PARAMS.times],
  ] as const)('%s accepts exactly the contract range [%d, %d]', (_name, min, max, spec) => {
    const specs = { p: spec };
    expect(parseQuery({ p: String(min) }, specs)).toEqual({ p: min });
    expect(parseQuery({ p: String(max) }, specs)).toEqual({ p: max });
    expectRefused(() => parseQuery({ p: String(max + 1) }, specs), 'p');
    expectRefused(() => parseQuery({ p: String(min - 1) }, specs), 'p');
  });

  it('the filter specs take the five contract filters and nothing else', () => {
    for (const spec of [FILTER_UPLOAD_PARAMS.filter, FILTER_GENERATED_PARAMS.filter]) {
      for (const name of ['blur', 'sharpen', 'contour', 'emboss', 'grayscale']) {
        expect(parseQuery({ f: name }, { f: spec })).toEqual({ f: name });
      }
      expectRefused(() => parseQuery({ f: 'sepia' }, { f: spec }), 'f');
    }
  });

  it('the counter takes `safe` as a boolean', () => {
    expect(parseQuery({ times: '3', safe: 'false' }, INCREMENT_PARAMS)).toEqual({
      times: 3,
      safe: false,
    });
  });
});

describe('integer parameters, as properties', () => {
  /** Non-negative bounds, as every route has, up to well past the largest contract maximum. */
  const bounds = fc
    .tuple(fc.nat({ max: 50_000_000 }), fc.nat({ max: 50_000_000 }))
    .map(([a, b]): [min: number, max: number] => (a <= b ? [a, b] : [b, a]));

  it('every integer in [min, max] rendered in decimal parses to itself', () => {
    fc.assert(
      fc.property(
        bounds.chain(([min, max]) =>
          fc.tuple(fc.constant(min), fc.constant(max), fc.integer({ min, max })),
        ),
        ([min, max, value]) => {
          expect(parseQuery({ v: String(value) }, one(intParam(min, max)))).toEqual({ v: value });
        },
      ),
    );
  });

  it('every string that is not a canonical decimal integer in range is refused (and every other one accepted)', () => {
    const digitsAndJunk = fc.string({
      unit: fc.constantFrom('0', '1', '2', '5', '9', '-', '+', '.', 'e', 'E', 'x', ' ', '_', ','),
      maxLength: 12,
    });
    const numberish = fc.oneof(
      fc.integer({ min: -1_000, max: 60_000_000 }).map(String),
      fc.integer({ min: 0, max: 1_000 }).map((v) => `0${v}`),
      fc.double({ noNaN: false }).map(String),
      fc.integer({ min: 0, max: 1_000 }).map((v) => `${v}.0`),
    );
    const candidate = fc.oneof(fc.string(), digitsAndJunk, numberish);
    fc.assert(
      fc.property(bounds, candidate, ([min, max], raw) => {
        const value = Number.parseInt(raw, 10);
        const canonical =
          Number.isSafeInteger(value) && String(value) === raw && value >= min && value <= max;
        const spec = one(intParam(min, max));
        if (canonical) expect(parseQuery({ v: raw }, spec)).toEqual({ v: value });
        else expectRefused(() => parseQuery({ v: raw }, spec), 'v');
      }),
      { numRuns: 500 },
    );
  });
});

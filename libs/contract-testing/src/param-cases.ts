/**
 * The contract's parameter table as data, so the suite can walk every parameter of every route
 * through the same edge cases: min, max, max+1, below min, float, empty, `1e3`, `0x10`,
 * a repeated key, an unknown key and a missing value.
 */
export interface IntParamCase {
  kind: 'int';
  method: 'GET' | 'POST';
  path: string;
  param: string;
  min: number;
  max: number;
  /** The other parameters of the route, valid and cheap. */
  base: Record<string, string>;
  /**
   * The max takes long (a 10 s sleep, fib(40)): its request is sent when the parameters part
   * starts, beside the other tests, and must be answered 200 within `boundMs` of that.
   */
  slowMax?: { boundMs: number };
}

export interface EnumParamCase {
  kind: 'enum';
  method: 'GET' | 'POST';
  path: string;
  param: string;
  values: readonly string[];
  base: Record<string, string>;
}

export type ParamCase = IntParamCase | EnumParamCase;

/**
 * How long a slow maximum may take before it counts as a hang: fib(40) took 2.1 s alone on the
 * 2-core dev machine, and the four slow maxima run at once (async runs both fib(40)s on its one
 * loop: 4.3 s); CI at load 11 ran the suite's CPU work about 4× slower. The 10 s sleeps get the
 * same margin on top of their 10 s. All stay under the shared service's deadline (60 s), so a 504
 * shows as itself, not as a hang.
 */
const FIB_40_BOUND_MS = 30_000;
const SLEEP_10_S_BOUND_MS = 10_000 + FIB_40_BOUND_MS;

type IntRange = Pick<IntParamCase, 'min' | 'max' | 'slowMax'>;

/** `n` of fib(n), on `/cpu/fib` and `/mixed` alike (docs/contract.md): 0–40, fib(40) slow. */
const FIB_N: IntRange = { min: 0, max: 40, slowMax: { boundMs: FIB_40_BOUND_MS } };

/** `ms` of a sleep, on `/io/sleep` and `/mixed` alike: 0–10,000, the 10 s sleep slow. */
const SLEEP_MS: IntRange = { min: 0, max: 10_000, slowMax: { boundMs: SLEEP_10_S_BOUND_MS } };

const FILTERS = ['blur', 'sharpen', 'contour', 'emboss', 'grayscale'] as const;

export const PARAM_CASES: readonly ParamCase[] = [
  { kind: 'int', method: 'GET', path: '/cpu/fib', param: 'n', ...FIB_N, base: {} },
  {
    kind: 'int',
    method: 'GET',
    path: '/cpu/primes',
    param: 'limit',
    min: 2,
    max: 20_000_000,
    base: {},
  },
  {
    kind: 'enum',
    method: 'GET',
    path: '/image/filter',
    param: 'filter',
    values: FILTERS,
    base: { size: '16' },
  },
  {
    kind: 'int',
    method: 'GET',
    path: '/image/filter',
    param: 'size',
    min: 16,
    max: 1024,
    base: { filter: 'blur' },
  },
  { kind: 'int', method: 'GET', path: '/io/sleep', param: 'ms', ...SLEEP_MS, base: {} },
  { kind: 'int', method: 'GET', path: '/io/scrape', param: 'pages', min: 1, max: 50, base: {} },
  { kind: 'int', method: 'GET', path: '/mixed', param: 'ms', ...SLEEP_MS, base: { n: '1' } },
  { kind: 'int', method: 'GET', path: '/mixed', param: 'n', ...FIB_N, base: { ms: '0' } },
  {
    kind: 'int',
    method: 'POST',
    path: '/counter/increment',
    param: 'times',
    min: 1,
    max: 1_000_000,
    base: { safe: 'true' },
  },
  {
    kind: 'enum',
    method: 'POST',
    path: '/counter/increment',
    param: 'safe',
    values: ['true', 'false'],
    base: { times: '1' },
  },
];

/** Raw query strings that must all be refused for an integer parameter. */
export function invalidIntValues(c: IntParamCase): Array<[label: string, value: string]> {
  return [
    ['max+1', String(c.max + 1)],
    ['below min', String(c.min - 1)],
    ['negative', '-1'],
    ['float', `${c.min}.5`],
    ['empty', ''],
    ['exponent', '1e3'],
    ['hex', '0x10'],
    ['leading plus', '+1'],
    ['word', 'ten'],
  ];
}

export function queryString(params: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

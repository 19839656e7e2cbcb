import fc from 'fast-check';
import { defineDemo } from '../src/demo';
import { KnobError } from '../src/errors';
import { runDemo as recorded } from '../src/run-demo';
import { flagOf, integer, integers, knobsFromText, knobValues } from '../src/knobs';

const KNOBS = {
  workers: integer('Workers.', { default: 2, min: 1, max: 16 }),
  threadIncrements: integer('Increments per thread.', { default: 500, min: 1, max: 1000 }),
  poolSizes: integers('Pool sizes.', { default: [4, 8], min: 1, max: 64, length: [1, 4] }),
};

/** The KnobError `fn` throws, as `{ code, flag }`: tests assert codes and fields, never text. */
function refusal(fn: () => unknown): { code: string; flag: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KnobError);
    const { code, flag, knobs } = error as KnobError;
    expect(knobs).toEqual(['--workers', '--thread-increments', '--pool-sizes']);
    return { code, flag };
  }
  throw new Error('expected a KnobError');
}

const fromText = (...pairs: [string, string | undefined][]) => knobsFromText('test', KNOBS, pairs);

describe('knobs', () => {
  it('name their flags in kebab-case', () => {
    expect(['n', 'workers', 'threadIncrements', 'delaysMs', 'pingEveryMs'].map(flagOf)).toEqual([
      '--n',
      '--workers',
      '--thread-increments',
      '--delays-ms',
      '--ping-every-ms',
    ]);
  });

  it('give the defaults, overridden by what is given', () => {
    expect(knobValues('test', KNOBS)).toEqual({
      workers: 2,
      threadIncrements: 500,
      poolSizes: [4, 8],
    });
    expect(knobValues('test', KNOBS, { workers: 3, poolSizes: [2] })).toEqual({
      workers: 3,
      threadIncrements: 500,
      poolSizes: [2],
    });
  });

  it('take an integer at each bound, refuse one past it, naming the flag', () => {
    expect(knobValues('test', KNOBS, { workers: 1 }).workers).toBe(1);
    expect(knobValues('test', KNOBS, { workers: 16 }).workers).toBe(16);
    for (const workers of [0, 17, 1.5, Number.NaN]) {
      expect(refusal(() => knobValues('test', KNOBS, { workers }))).toEqual({
        code: 'ERR_DEMO_INVALID_KNOB',
        flag: '--workers',
      });
    }
    // A caller outside TypeScript's reach (JSON, a cast): a string is not a number.
    const stringly = { threadIncrements: '3' } as unknown as { threadIncrements: number };
    expect(refusal(() => knobValues('test', KNOBS, stringly)).flag).toBe('--thread-increments');
    // Null is no number either: refused as "3" is, not read as "not given".
    const nulled = { threadIncrements: null } as unknown as { threadIncrements: number };
    expect(refusal(() => knobValues('test', KNOBS, nulled)).flag).toBe('--thread-increments');
    // The control: undefined is a knob not given, which takes its default.
    expect(knobValues('test', KNOBS, { threadIncrements: undefined }).threadIncrements).toBe(500);
  });

  it('take a list within its length and bounds, and refuse one outside', () => {
    expect(knobValues('test', KNOBS, { poolSizes: [1, 64, 2, 3] }).poolSizes).toEqual([
      1, 64, 2, 3,
    ]);
    for (const poolSizes of [[], [1, 2, 3, 4, 5], [0], [65], [4, 8.5]]) {
      expect(refusal(() => knobValues('test', KNOBS, { poolSizes })).flag).toBe('--pool-sizes');
    }
  });

  it('take a list of distinct integers only where declared so, as value and as text', () => {
    const knobs = {
      delays: integers('Delays.', {
        default: [1, 2],
        min: 1,
        max: 9,
        length: [2, 2],
        distinct: true,
      }),
    };
    expect(knobValues('t', knobs, { delays: [2, 1] }).delays).toEqual([2, 1]);
    expect(() => knobValues('t', knobs, { delays: [2, 2] })).toThrow(KnobError);
    expect(() => knobsFromText('t', knobs, [['--delays', '3,3']])).toThrow(
      'Expected `--delays` to be a comma list of 2 distinct integers, each from 1 to 9, got `3,3`',
    );
    expect(knobValues('test', KNOBS, { poolSizes: [4, 4] }).poolSizes).toEqual([4, 4]);
  });

  it('refuse a name the demo has no knob for, naming it and every knob', () => {
    const misspelt = { wrokers: 2 } as Partial<{ workers: number }>;
    expect(refusal(() => knobValues('test', KNOBS, misspelt)).flag).toBe('--wrokers');
  });

  it('read the command line: decimal integers, comma lists, by kebab-case flag', () => {
    expect(
      fromText(['--workers', '16'], ['--thread-increments', '1'], ['--pool-sizes', '2,4,64']),
    ).toEqual({ workers: 16, threadIncrements: 1, poolSizes: [2, 4, 64] });
    expect(fromText(['--pool-sizes', '3'])).toEqual({ poolSizes: [3] });
  });

  it('refuse text that is no decimal integer, or out of bounds, naming the flag', () => {
    for (const text of ['', '0', '17', '-1', '1.5', '1e1', '0x10', ' 2', '2 ', 'two', undefined]) {
      expect([text, refusal(() => fromText(['--workers', text])).flag]).toEqual([
        text,
        '--workers',
      ]);
    }
    for (const text of ['', '2,', ',2', '2,,4', '2, 4', '1,2,3,4,5', '0', '65']) {
      expect([text, refusal(() => fromText(['--pool-sizes', text])).flag]).toEqual([
        text,
        '--pool-sizes',
      ]);
    }
  });

  it('refuse an unknown flag, a camelCase one, and one given twice', () => {
    expect(refusal(() => fromText(['--fast', '1'])).flag).toBe('--fast');
    expect(refusal(() => fromText(['--threadIncrements', '1'])).flag).toBe('--threadIncrements');
    expect(refusal(() => fromText(['--workers', '2'], ['--workers', '3'])).flag).toBe('--workers');
  });

  it('take every integer within their bounds and refuse every one outside, as value and as text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 50 }),
        // Around the range, so the edges and one past them come up often.
        fc.integer({ min: -3, max: 53 }),
        (min, span, offset) => {
          const value = min + offset;
          const knobs = { k: integer('k', { default: min, min, max: min + span }) };
          const inside = value >= min && value <= min + span;
          const asValue = () => knobValues('p', knobs, { k: value }).k;
          const asText = () => knobsFromText('p', knobs, [['--k', String(value)]])['k'];
          if (inside) {
            expect([asValue(), asText()]).toEqual([value, value]);
          } else {
            expect(asValue).toThrow(KnobError);
            expect(asText).toThrow(KnobError);
          }
        },
      ),
    );
  });
});

describe('a demo', () => {
  let runs = 0;
  const demo = defineDemo({
    name: 'test',
    mirrors: 'nothing',
    describe: 'a stand-in that counts its runs',
    knobs: KNOBS,
    async run(options) {
      runs++;
      return {
        figures: { workers: options.workers, poolSizes: options.poolSizes },
        table: { header: [], rows: [] },
        verdict: { holds: true, why: 'it ran' },
      };
    },
  });

  it('runs with its knobs checked and merged', async () => {
    const { figures } = await demo.run({ workers: 5 });
    expect(figures).toEqual({ workers: 5, poolSizes: [4, 8] });
    expect(demo.options({ poolSizes: [1] })).toEqual({
      workers: 2,
      threadIncrements: 500,
      poolSizes: [1],
    });
  });

  it('refuses a bad knob before it starts anything: the run rejects, never runs', async () => {
    const before = runs;
    await expect(demo.run({ workers: 0 })).rejects.toMatchObject({
      code: 'ERR_DEMO_INVALID_KNOB',
      flag: '--workers',
    });
    expect(runs).toBe(before);
  });

  it('is recorded with every knob it ran with, the defaults and the ones turned', async () => {
    const record = await recorded(demo, undefined, { threadIncrements: 7 });
    expect(record.options).toEqual({ workers: 2, threadIncrements: 7, poolSizes: [4, 8] });
    expect(record.result.verdict.holds).toBe(true);
  });
});

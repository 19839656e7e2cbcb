import { defineDemo } from '../src/demo';
import { DEMO_UNKNOWN_FAILURE, ERROR_CATALOG, JobFailedError } from '../src/errors';
import { runDemo } from '../src/run-demo';

/** A demo whose run throws `thrown`, whatever it is. */
const throwing = (thrown: unknown) =>
  defineDemo({
    name: 'throws',
    mirrors: 'nothing',
    describe: 'a stand-in that throws',
    knobs: {},
    run: () => Promise.reject(thrown),
  });

describe('a demo that throws', () => {
  it('is catalogued under the code it reports when the thrown value has none', () => {
    expect(ERROR_CATALOG).toContainEqual(
      expect.objectContaining({ code: DEMO_UNKNOWN_FAILURE, carrier: 'value' }),
    );
    expect(DEMO_UNKNOWN_FAILURE).toBe('ERR_DEMO_UNKNOWN');
  });

  it.each([
    ['an Error without a code', new Error('boom'), 'boom'],
    [
      'an Error with a code that is no string',
      Object.assign(new Error('boom'), { code: 7 }),
      'boom',
    ],
    ['a string', 'boom', 'boom'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    // No string form: String() throws for these, and the command crashed.
    ['an object with no prototype', Object.create(null), '[Object: null prototype] {}'],
    [
      'an object whose toString throws',
      {
        toString() {
          throw new Error('no words');
        },
      },
      '{ toString: [Function: toString] }',
    ],
  ])('throwing %s fails with the catalogued code', async (_, thrown, message) => {
    const { result } = await runDemo(throwing(thrown), undefined);
    expect(result.figures).toEqual({ error: DEMO_UNKNOWN_FAILURE, message });
    expect(result.table.rows).toEqual([['error']]);
    expect(result.verdict).toEqual({ holds: false, why: `it failed (${message})` });
  });

  it('fails with its own code when it has a string one', async () => {
    const { result } = await runDemo(throwing(new JobFailedError('job 2')), undefined);
    expect(result.figures).toEqual({ error: JobFailedError.code, message: 'job 2' });
    expect(result.table.rows).toEqual([[JobFailedError.code]]);
    expect(result.verdict).toEqual({ holds: false, why: `it failed (${JobFailedError.code})` });
  });
});

import { catalog, coded, hasCodeOf } from '../src';
import { errorCatalogProblems, guardProblems, thrown, thrownAs } from '../src/testing';

class WidgetError extends Error {}
class WidgetJammedError extends coded('ERR_WIDGET_JAMMED', 'The widget is jammed', WidgetError) {}
class WidgetTooLargeError extends coded('ERR_WIDGET_TOO_LARGE', 'Too large', WidgetError) {
  readonly size: number;
  constructor(size: number) {
    super(`a widget of ${size} is too large`);
    this.size = size;
  }
}

const sound = {
  namespace: 'ERR_WIDGET_',
  catalog: catalog(
    [WidgetJammedError, 'The widget stopped.'],
    [WidgetTooLargeError, 'The widget is over its size.'],
  ),
  exports: { WidgetJammedError, WidgetTooLargeError },
  base: WidgetError,
  classes: [WidgetJammedError, WidgetTooLargeError],
  examples: { WidgetTooLargeError: () => new WidgetTooLargeError(9) },
};

/** An error class done by hand, wrong in every way the checks look for. */
class SloppyError extends Error {
  static readonly code = 'ERR_WIDGET_SLOPPY';
  readonly code = 'ERR_SLOPPY';
  constructor() {
    super(''); // drops the message and the cause it is given, and keeps the name `Error`
  }
}

describe('errorCatalogProblems', () => {
  it('finds nothing wrong with a sound module', () => {
    expect(errorCatalogProblems(sound)).toEqual([]);
  });

  it('negative control: names every problem of a broken one', () => {
    const problems = errorCatalogProblems({
      ...sound,
      catalog: [
        ...sound.catalog,
        { code: 'ERR_WIDGET_JAMMED', className: 'WidgetJammedError', meaning: 'again' },
        { code: 'ERR_GADGET_BROKEN', className: 'GadgetBrokenError', meaning: '' },
        { code: 'ERR_WIDGET_SLOPPY', className: 'SloppyError', meaning: 'hand-made' },
      ],
      exports: { ...sound.exports, SloppyError },
      examples: { ...sound.examples, GizmoError: () => new Error('x') },
    });
    expect(problems).toEqual([
      'ERR_WIDGET_JAMMED is listed twice',
      'ERR_GADGET_BROKEN is outside ERR_WIDGET_',
      'ERR_GADGET_BROKEN has no meaning',
      'WidgetJammedError names two codes',
      'an example builds GizmoError, which the catalog does not list',
      'GadgetBrokenError is not exported',
      'a SloppyError is not an instance of its class and of WidgetError',
      'a SloppyError carries ERR_SLOPPY',
      'a SloppyError is named Error',
      'a SloppyError has no message',
      'a SloppyError drops the message or the cause it is given',
      'SloppyError is missing from the class list',
    ]);
  });

  it('negative control: a class list that differs from the catalog, a class code that differs', () => {
    class Renamed extends coded('ERR_WIDGET_OTHER', 'other', WidgetError) {}
    expect(
      errorCatalogProblems({
        ...sound,
        catalog: [...sound.catalog, { code: 'ERR_WIDGET_X', className: 'Renamed', meaning: 'x' }],
        exports: { ...sound.exports, Renamed },
        classes: [WidgetJammedError, Renamed, Error],
      }),
    ).toEqual([
      'Renamed.code is ERR_WIDGET_OTHER, the catalog says ERR_WIDGET_X',
      'a Renamed carries ERR_WIDGET_OTHER',
      'WidgetTooLargeError is missing from the class list',
      'Error is listed but not catalogued',
    ]);
  });

  it('negative control: an example that builds another class, even with the right code and name', () => {
    const lookalike = () =>
      Object.assign(new WidgetError('x'), {
        code: 'ERR_WIDGET_TOO_LARGE',
        name: 'WidgetTooLargeError',
      });
    expect(
      errorCatalogProblems({ ...sound, examples: { WidgetTooLargeError: lookalike } }),
    ).toEqual(['a WidgetTooLargeError is not an instance of its class and of WidgetError']);
  });

  it("exempts a contract's code from the namespace, and asks no class of a value row", () => {
    // As service-kit lists a scraped page's codes: fixed by the contract, carried in an
    // answer's body by no class of their own.
    const contractRow = {
      code: 'ERR_UPSTREAM_TIMEOUT',
      className: 'ScrapedPage',
      meaning: 'In a 200 answer: this page did not arrive in time.',
      contract: true,
      carrier: 'value',
    } as const;
    expect(errorCatalogProblems({ ...sound, catalog: [...sound.catalog, contractRow] })).toEqual(
      [],
    );
    // The control: the same code, not the contract's, is outside the namespace.
    expect(
      errorCatalogProblems({
        ...sound,
        catalog: [...sound.catalog, { ...contractRow, contract: false }],
      }),
    ).toEqual(['ERR_UPSTREAM_TIMEOUT is outside ERR_WIDGET_']);
  });

  it('negative control: an empty catalog, a code with more than its namespace', () => {
    expect(errorCatalogProblems({ ...sound, catalog: [], classes: [], examples: {} })).toEqual([
      'the catalog is empty',
    ]);
    const rows = [
      { code: 'ERR_WIDGET_Jammed', className: 'WidgetJammedError', meaning: 'm' },
      { code: 'ERR_WIDGET_JAM-MED', className: 'WidgetTooLargeError', meaning: 'm' },
    ];
    expect(
      errorCatalogProblems({ ...sound, catalog: rows }).filter((p) => p.includes('outside')),
    ).toEqual([
      'ERR_WIDGET_Jammed is outside ERR_WIDGET_',
      'ERR_WIDGET_JAM-MED is outside ERR_WIDGET_',
    ]);
  });

  it('negative control: a class that drops only the cause, one whose default message is no meaning', () => {
    class CauseDroppingError extends coded('ERR_WIDGET_DROPPED', 'Dropped', WidgetError) {
      constructor(message?: string, _options?: ErrorOptions) {
        super(message); // keeps the message, loses the cause
      }
    }
    expect(
      errorCatalogProblems({
        ...sound,
        catalog: catalog([CauseDroppingError, 'Dropped.']),
        exports: { CauseDroppingError },
        classes: [CauseDroppingError],
        examples: {},
      }),
    ).toEqual(['a CauseDroppingError drops the message or the cause it is given']);
    // WidgetJammedError's default message is not its meaning ('The widget stopped.').
    const onlyJammed = {
      ...sound,
      catalog: catalog([WidgetJammedError, 'The widget stopped.']),
      exports: { WidgetJammedError },
      classes: [WidgetJammedError],
      examples: {},
    };
    expect(errorCatalogProblems(onlyJammed)).toEqual([]);
    expect(errorCatalogProblems({ ...onlyJammed, meaningIsDefaultMessage: true })).toEqual([
      'a WidgetJammedError built without a message does not say its meaning',
    ]);
    expect(
      errorCatalogProblems({
        ...onlyJammed,
        catalog: catalog([WidgetJammedError, 'The widget is jammed']),
        meaningIsDefaultMessage: true,
      }),
    ).toEqual([]);
  });
});

describe('guardProblems', () => {
  const CODES: ReadonlySet<string> = new Set(sound.catalog.map((entry) => entry.code));
  const isWidgetError = (error: unknown, code?: string) => hasCodeOf(error, CODES, code);
  const foreignCodes = ['ERR_GADGET_JAMMED', 'ERR_JAMMED'];

  it('finds nothing wrong with a hasCodeOf guard of the catalog, nor without a guard', () => {
    expect(guardProblems({ ...sound, guard: { is: isWidgetError, foreignCodes } })).toEqual([]);
    expect(guardProblems(sound)).toEqual([]);
  });

  it('negative control: names every look-alike a sloppy guard accepts', () => {
    // Takes any Error, whatever its code, and any object when no code is asked for.
    const isAnyCoded = (error: unknown, code?: string) =>
      error instanceof Error || (code === undefined && typeof error === 'object' && !!error);
    expect(guardProblems({ ...sound, guard: { is: isAnyCoded, foreignCodes } })).toEqual([
      'isAnyCoded takes an Error carrying ERR_WIDGET_JAMMED for ERR_WIDGET_TOO_LARGE',
      'isAnyCoded accepts a plain object carrying ERR_WIDGET_JAMMED',
      'isAnyCoded accepts a clone of a plain object carrying ERR_WIDGET_JAMMED',
      'isAnyCoded accepts an Error carrying ERR_GADGET_JAMMED',
      'isAnyCoded accepts an Error carrying ERR_JAMMED',
      'isAnyCoded accepts a plain Error',
    ]);
  });

  it('negative control: names each of its own errors a too strict guard refuses', () => {
    const isNothing = (_error: unknown, _code?: string) => false;
    expect(guardProblems({ ...sound, guard: { is: isNothing, foreignCodes } })).toEqual([
      'isNothing refuses a WidgetJammedError',
      'isNothing refuses a WidgetJammedError asked for ERR_WIDGET_JAMMED',
      'isNothing refuses a WidgetTooLargeError',
      'isNothing refuses a WidgetTooLargeError asked for ERR_WIDGET_TOO_LARGE',
      'isNothing refuses an Error carrying ERR_WIDGET_JAMMED',
      'isNothing refuses an Error carrying ERR_WIDGET_JAMMED asked for it',
    ]);
  });
});

describe('thrown / thrownAs', () => {
  const jam = () => {
    throw new WidgetJammedError();
  };

  it('returns what the function throws, or undefined when it returns', () => {
    expect(thrown(jam)).toBeInstanceOf(WidgetJammedError);
    expect(thrown(() => 42)).toBeUndefined();
  });

  it('thrownAs returns the error typed when it is of the class asked for', () => {
    expect(thrownAs(WidgetError, jam).message).toBe('The widget is jammed');
  });

  it('negative control: thrownAs fails on nothing thrown, and on another class, saying what came', () => {
    expect(() => thrownAs(WidgetError, () => 42)).toThrow('expected a WidgetError, got no error');
    expect(() => thrownAs(WidgetTooLargeError, jam)).toThrow(
      /expected a WidgetTooLargeError, got .*ERR_WIDGET_JAMMED/s,
    );
  });
});

import { catalog, coded, registry, type ErrorClassOf } from '../src';

class WidgetJammedError extends coded('ERR_WIDGET_JAMMED', 'The widget is jammed') {}

class WidgetTooLargeError extends coded('ERR_WIDGET_TOO_LARGE', 'The widget is too large') {
  readonly size: number;
  constructor(size: number) {
    super(`a widget of ${size} is too large`);
    this.size = size;
  }
}

describe('coded error classes', () => {
  it('carry their code on the class and on each instance, and their own name', () => {
    const error = new WidgetJammedError();
    expect(WidgetJammedError.code).toBe('ERR_WIDGET_JAMMED');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      code: 'ERR_WIDGET_JAMMED',
      name: 'WidgetJammedError',
      message: 'The widget is jammed',
    });
    expect(String(error.stack)).toContain('WidgetJammedError: The widget is jammed');
  });

  it('take a message and a cause, and subclasses their own fields', () => {
    const cause = new Error('root');
    expect(new WidgetJammedError('stuck at 3', { cause })).toMatchObject({
      message: 'stuck at 3',
      cause,
    });
    expect(new WidgetTooLargeError(9)).toMatchObject({
      code: 'ERR_WIDGET_TOO_LARGE',
      name: 'WidgetTooLargeError',
      size: 9,
    });
  });

  it('extend a library’s own base when given one', () => {
    class GadgetError extends Error {}
    class GadgetBrokenError extends coded('ERR_GADGET_BROKEN', 'Broken', GadgetError) {}
    expect(new GadgetBrokenError()).toBeInstanceOf(GadgetError);
    expect(new WidgetJammedError()).not.toBeInstanceOf(GadgetError);
  });

  it('keep two classes apart even when made by the same factory', () => {
    expect(new WidgetJammedError()).not.toBeInstanceOf(WidgetTooLargeError);
  });

  it('list into a catalog with each class’s code and name', () => {
    expect(catalog([WidgetJammedError, 'Jammed.'], [WidgetTooLargeError, 'Too large.'])).toEqual([
      { code: 'ERR_WIDGET_JAMMED', className: 'WidgetJammedError', meaning: 'Jammed.' },
      { code: 'ERR_WIDGET_TOO_LARGE', className: 'WidgetTooLargeError', meaning: 'Too large.' },
    ]);
  });

  it('make a registry: the classes in the rows’ order, and the same catalog', () => {
    const rows = [
      [WidgetTooLargeError, 'Too large.'],
      [WidgetJammedError, 'Jammed.'],
    ] as const;
    const made = registry<ErrorClassOf>(...rows);
    expect(made.classes).toEqual([WidgetTooLargeError, WidgetJammedError]);
    expect(made.catalog).toEqual(catalog(...rows));
  });
});

import * as errors from '../src/errors';

describe('the demos error catalog', () => {
  it('lists every error class once, by its code, within ERR_DEMO_', () => {
    const classes = [
      errors.UsageError,
      errors.NotBuiltError,
      errors.WorkerFailedError,
      errors.StepTimeoutError,
    ];
    expect(errors.ERROR_CATALOG.map((e) => [e.code, e.className])).toEqual(
      classes.map((c) => [c.code, new c('m').name]),
    );
    for (const { code } of errors.ERROR_CATALOG) {
      expect(code.startsWith(errors.ERROR_NAMESPACE)).toBe(true);
      expect(new Set(errors.ERROR_CATALOG.map((e) => e.code)).size).toBe(classes.length);
    }
  });

  it('gives each error its code as an own property', () => {
    const error = new errors.WorkerFailedError('thread 3 exited');
    expect([error.code, error.name, error.message]).toEqual([
      'ERR_DEMO_WORKER_FAILED',
      'WorkerFailedError',
      'thread 3 exited',
    ]);
  });
});

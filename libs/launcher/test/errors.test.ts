import { describeErrorCatalog } from '@concurrency-lab/errors/testing';
import * as launcher from '../src/index';
import { ERROR_CATALOG, ERROR_NAMESPACE, StartFailedError } from '../src/errors';

// Every class is built as coded() builds any error (no argument; a message and a cause), so no
// class needs an example: StartFailedError takes what the process printed as an option.
describeErrorCatalog('@concurrency-lab/launcher', {
  namespace: ERROR_NAMESPACE,
  catalog: ERROR_CATALOG,
  exports: launcher,
});

describe('StartFailedError', () => {
  it('adds the last 4000 characters of what the process printed to its message, and keeps it all', () => {
    const output = `${'x'.repeat(5000)}\nFATAL: the real reason\n`;
    const cause = new Error('root');
    const error = new StartFailedError('api exited (1) before listening', { output, cause });
    expect(error.output).toBe(output);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(`api exited (1) before listening\n${output.slice(-4000)}`);
  });

  it('has no output, and its message alone, when none was given', () => {
    expect(new StartFailedError('api exited')).toMatchObject({ message: 'api exited', output: '' });
    expect(new StartFailedError()).toMatchObject({
      message: 'A service failed to start',
      output: '',
    });
  });
});

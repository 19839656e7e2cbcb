import {
  CustomWorkloadError,
  ImageTooLargeError,
  InvalidArgumentError,
  InvalidImageError,
  WORKLOAD_ERRORS,
  WorkloadError,
  WorkloadModuleError,
  type WorkloadErrorClass,
} from '../src/index';

// One way to build each registered class; the completeness test below fails when a class is
// added to the registry without an entry here.
const EXAMPLES = new Map<WorkloadErrorClass, () => WorkloadError & { code: string }>([
  [InvalidImageError, () => new InvalidImageError('bad bytes')],
  [ImageTooLargeError, () => new ImageTooLargeError({ width: 9, height: 2 }, 4)],
  [InvalidArgumentError, () => new InvalidArgumentError('bad argument')],
  [WorkloadModuleError, () => new WorkloadModuleError('no run')],
  [CustomWorkloadError, () => new CustomWorkloadError('run threw')],
]);

function example(errorClass: WorkloadErrorClass): WorkloadError & { code: string } {
  const build = EXAMPLES.get(errorClass);
  if (!build) throw new Error(`no example for ${errorClass.name}`);
  return build();
}

describe('WORKLOAD_ERRORS', () => {
  it('has an example for every registered class and no others', () => {
    expect(new Set(WORKLOAD_ERRORS)).toEqual(new Set(EXAMPLES.keys()));
  });

  it('has unique codes', () => {
    const codes = WORKLOAD_ERRORS.map((errorClass) => errorClass.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has unique names', () => {
    const names = WORKLOAD_ERRORS.map((errorClass) => errorClass.name);
    expect(new Set(names).size).toBe(names.length);
  });

  describe.each(WORKLOAD_ERRORS.map((errorClass) => [errorClass.name, errorClass] as const))(
    '%s',
    (className, errorClass) => {
      it('has a stable ERR_* code on the class', () => {
        expect(errorClass.code).toMatch(/^ERR_[A-Z_]+$/);
      });

      it('creates Errors that carry the class name and code', () => {
        const error = example(errorClass);
        expect(error).toBeInstanceOf(Error);
        expect(error).toBeInstanceOf(WorkloadError);
        expect(error).toBeInstanceOf(errorClass as unknown as typeof WorkloadError);
        expect(error.name).toBe(className);
        expect(error.code).toBe(errorClass.code);
        expect(typeof error.stack).toBe('string');
      });
    },
  );

  it('keeps a cause when given one', () => {
    const cause = new Error('root');
    expect(new InvalidImageError('wrapped', { cause }).cause).toBe(cause);
  });

  it('exposes the rejected size on ImageTooLargeError', () => {
    expect(new ImageTooLargeError({ width: 9, height: 2 }, 4)).toMatchObject({
      width: 9,
      height: 2,
      maxSide: 4,
    });
  });
});

import { describeValue } from '../common/argument-validator';
import { validate } from '../common/validate';
import { InvalidArgumentError } from '../errors';

/**
 * What crosses a thread boundary: plain data (structured-clonable), with the primitive's
 * SharedArrayBuffer(s) inside. `postMessage(mutex.handle)` to a worker, then
 * `SharedMutex.from(handle)` there: both sides now operate on the same memory.
 */
export interface SharedHandle<K extends string = string> {
  readonly kind: K;
  readonly name: string;
  readonly buffer: SharedArrayBuffer;
}

export function validateHandle<K extends string>(handle: unknown, kind: K): SharedHandle<K> {
  const record = handle as Partial<SharedHandle> | null;
  if (typeof handle !== 'object' || record === null || record.kind !== kind) {
    throw new InvalidArgumentError(
      `Expected \`handle\` to be a ${kind} handle ({ kind: '${kind}', name, buffer }), got ${describeValue(
        typeof handle === 'object' && handle !== null
          ? (handle as { kind?: unknown }).kind
          : handle,
      )}${typeof handle === 'object' && handle !== null ? ' as kind' : ''}`,
    );
  }
  if (!(record.buffer instanceof SharedArrayBuffer)) {
    validate.fail('handle.buffer', 'a SharedArrayBuffer', record.buffer);
  }
  if (typeof record.name !== 'string') {
    validate.fail('handle.name', 'a string', record.name);
  }
  return record as SharedHandle<K>;
}

/** A buffer whose size does not match its own layout is not one of ours (or is truncated). */
export function checkBufferSize(handle: SharedHandle, expectedBytes: number): void {
  if (handle.buffer.byteLength !== expectedBytes) {
    throw new InvalidArgumentError(
      `Expected \`handle.buffer\` of a ${handle.kind} to be ${expectedBytes} bytes, got ${handle.buffer.byteLength}`,
    );
  }
}

/** Every error the telemetry lib throws, with its stable code (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_TELEMETRY_';

export class OtlpDecodeError extends Error {
  static readonly code = 'ERR_TELEMETRY_OTLP_DECODE';
  override readonly name = 'OtlpDecodeError';
  readonly code = OtlpDecodeError.code;
  constructor(message = 'The OTLP body could not be decoded') {
    super(message);
  }
}

export const ERROR_CATALOG: readonly { code: string; className: string; meaning: string }[] = [
  {
    code: 'ERR_TELEMETRY_OTLP_DECODE',
    className: 'OtlpDecodeError',
    meaning: 'An OTLP/HTTP protobuf body sent to the test receiver is truncated or malformed.',
  },
];

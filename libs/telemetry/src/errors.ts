/** Every error the telemetry lib throws, with its stable code. */

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  readonly code = 'ERR_TELEMETRY_OTLP_DECODE';
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

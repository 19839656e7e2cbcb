import { catalog, coded } from '@concurrency-lab/errors';

/** Every error the telemetry lib throws, with its stable code (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_TELEMETRY_';

/** An OTLP/HTTP body (protobuf or JSON) sent to the test receiver is truncated or malformed. */
export class OtlpDecodeError extends coded(
  'ERR_TELEMETRY_OTLP_DECODE',
  'The OTLP body could not be decoded',
) {}

/** `startOtlpReceiver` was given an option out of its domain (a `maxBodyBytes` below 1). */
export class OtlpReceiverOptionError extends coded(
  'ERR_TELEMETRY_RECEIVER_OPTION',
  'An option of the OTLP receiver is out of its domain',
) {}

/**
 * The OTEL_* variables name an exporter OpenTelemetry does not know (it reads the names as
 * given: `OTLP` is not `otlp`): tracing stays off, with this as a process warning.
 */
export class TracingConfigError extends coded(
  'ERR_TELEMETRY_CONFIG',
  'The tracing configuration is not one OpenTelemetry reads',
) {}

/** Every code above, for docs/errors.md and the workspace's uniqueness test. */
export const ERROR_CATALOG = catalog(
  [
    OtlpDecodeError,
    'An OTLP/HTTP body sent to the test receiver, protobuf or JSON, is truncated or malformed (answered 400).',
  ],
  [
    OtlpReceiverOptionError,
    'startOtlpReceiver was given a maxBodyBytes that is not a positive integer.',
  ],
  [
    TracingConfigError,
    'OTEL_TRACES_EXPORTER names an exporter OpenTelemetry does not know (names are case-sensitive); tracing stays off and the process warns.',
  ],
);

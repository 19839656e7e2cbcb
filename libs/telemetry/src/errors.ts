import { catalog, coded } from '@concurrency-lab/errors';

/** Every error the telemetry lib throws, with its stable code (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_TELEMETRY_';

/**
 * An OTLP trace export does not decode: protobuf cut short or malformed, or JSON that parses but
 * is not OTLP/JSON. JSON that does not parse is JSON.parse's SyntaxError, not this.
 */
export class OtlpDecodeError extends coded(
  'ERR_TELEMETRY_OTLP_DECODE',
  'The OTLP body could not be decoded',
) {}

/**
 * `startOtlpReceiver` was given an option out of its domain: a `maxBodyBytes` that is not a
 * positive safe integer.
 */
export class OtlpReceiverOptionError extends coded(
  'ERR_TELEMETRY_RECEIVER_OPTION',
  'An option of the OTLP receiver is out of its domain',
) {}

/**
 * The OTEL_* variables name an exporter OpenTelemetry does not know (it reads the names as
 * given: `OTLP` is not `otlp`), and this is a process warning. With no name it knows
 * (`OTEL_TRACES_EXPORTER=OTLP`), tracing stays off; beside one it knows (`otlp,jaeger`), the
 * unknown name is ignored and tracing exports to the known one, as the SDK does.
 */
export class TracingConfigError extends coded(
  'ERR_TELEMETRY_CONFIG',
  'The tracing configuration is not one OpenTelemetry reads',
) {}

/** Every code above, for docs/errors.md and the workspace's uniqueness test. */
export const ERROR_CATALOG = catalog(
  [
    OtlpDecodeError,
    'An OTLP trace export does not decode: OTLP/protobuf cut short or malformed (a truncated field, an unknown wire type, an unclosed or mismatched group, a string not UTF-8, a span id of the wrong length), or OTLP/JSON that parses but is not OTLP (a field of the wrong type, an id not hex of the right length, a kind not an int32, an intValue past int64) or is not UTF-8. The test receiver answers it 400; JSON that does not parse at all is a 400 too, but as a SyntaxError, without this code.',
  ],
  [
    OtlpReceiverOptionError,
    'startOtlpReceiver was given a maxBodyBytes that is not a positive safe integer (1 to 2^53 - 1).',
  ],
  [
    TracingConfigError,
    'OTEL_TRACES_EXPORTER names an exporter OpenTelemetry does not know (names are case-sensitive), and the process warns. With no name it knows (OTLP, jaeger), tracing stays off; beside one it knows (otlp,jaeger), the unknown name is ignored and tracing exports to the known one, as the SDK does.',
  ],
);

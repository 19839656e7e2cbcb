/**
 * The catalog's meanings (docs/errors.md) say which inputs carry each code: here each claim is
 * checked against what the real receiver, decoder and option check do, so a meaning that drifts
 * from the code (or the code from it) fails.
 */
import { thrown } from '@concurrency-lab/errors/testing';
import { decodeOtlpProtobufTraces } from '../src/otlp-protobuf';
import {
  ERROR_CATALOG,
  OtlpDecodeError,
  OtlpReceiverOptionError,
  TracingConfigError,
} from '../src/errors';
import { startOtlpReceiver, type OtlpReceiver } from '../src/otlp-receiver';
import { traceExportFromEnv } from '../src/tracing-config';

const meaningOf = (code: string): string =>
  ERROR_CATALOG.find((entry) => entry.code === code)?.meaning ?? '';

describe('ERR_TELEMETRY_OTLP_DECODE', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  /** The refusal's message (a JSON `Status`): `<code>: …` when an error with a code caused it. */
  const refusal = async (body: string) => {
    const response = await fetch(`${receiver.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: response.status, ...((await response.json()) as { message: string }) };
  };

  const span = '{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}';
  const exportOf = (spanText: string) =>
    `{"resourceSpans":[{"scopeSpans":[{"spans":[${spanText}]}]}]}`;

  it('covers OTLP/protobuf that is truncated, and OTLP/JSON that parses but is not OTLP', async () => {
    // A length prefix pointing past the end of the body.
    expect(thrown(() => decodeOtlpProtobufTraces(Uint8Array.of(0x0a, 0x7f)))).toBeInstanceOf(
      OtlpDecodeError,
    );
    const notOtlp = await refusal(exportOf(span.replace('eee19b7ec3c1b174', '01')));
    expect(notOtlp).toEqual({
      status: 400,
      message: expect.stringMatching(/^ERR_TELEMETRY_OTLP_DECODE: /) as string,
    });
    // The control: the same export with a sound span id is taken.
    expect(
      (
        await fetch(`${receiver.url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: exportOf(span),
        })
      ).status,
    ).toBe(200);
    expect(meaningOf(OtlpDecodeError.code)).toMatch(/protobuf/);
    expect(meaningOf(OtlpDecodeError.code)).toMatch(/JSON/);
  });

  it('does not cover JSON that does not parse (a SyntaxError), and its meaning says so', async () => {
    // A truncated OTLP/JSON body: refused, but as JSON.parse's SyntaxError, without this code.
    const truncated = await refusal(exportOf(span).slice(0, 40));
    expect(truncated).toEqual({
      status: 400,
      message: expect.stringMatching(/^SyntaxError: /) as string,
    });
    expect(meaningOf(OtlpDecodeError.code)).toMatch(/does not parse[^.]*SyntaxError/);
  });
});

describe('ERR_TELEMETRY_RECEIVER_OPTION', () => {
  it('refuses every maxBodyBytes but a positive safe integer, as its meaning says', async () => {
    // 2^53 is a positive integer, and refused: it is past Number.MAX_SAFE_INTEGER.
    for (const maxBodyBytes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      expect(thrown(() => startOtlpReceiver({ maxBodyBytes }))).toBeInstanceOf(
        OtlpReceiverOptionError,
      );
    // The control: the largest safe integer is taken.
    await (await startOtlpReceiver({ maxBodyBytes: Number.MAX_SAFE_INTEGER })).close();
    expect(meaningOf(OtlpReceiverOptionError.code)).toMatch(/not a positive safe integer/);
  });
});

describe('ERR_TELEMETRY_CONFIG', () => {
  it('is an OTEL_TRACES_EXPORTER name OpenTelemetry does not know, case and all', () => {
    expect(thrown(() => traceExportFromEnv({ OTEL_TRACES_EXPORTER: 'OTLP' }))).toBeInstanceOf(
      TracingConfigError,
    );
    // The control: the name as the SDK spells it.
    expect(traceExportFromEnv({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe('otlp');
    expect(meaningOf(TracingConfigError.code)).toMatch(/^OTEL_TRACES_EXPORTER names an exporter/);
  });

  it('leaves tracing off only with no name it knows: beside one, a warning, and its meaning says so', () => {
    const warnings: unknown[] = [];
    expect(
      traceExportFromEnv({ OTEL_TRACES_EXPORTER: 'otlp,jaeger' }, (w) => warnings.push(w)),
    ).toBe('otlp');
    expect(warnings).toEqual([expect.any(TracingConfigError)]);
    // The control: with no name it knows, it throws, and startTracing stays off.
    expect(thrown(() => traceExportFromEnv({ OTEL_TRACES_EXPORTER: 'jaeger' }))).toBeInstanceOf(
      TracingConfigError,
    );
    const meaning = meaningOf(TracingConfigError.code);
    expect(meaning).toMatch(/With no name it knows[^;.]*, tracing stays off/);
    expect(meaning).toMatch(/beside one it knows \(otlp,jaeger\)[^.]*exports to the known/);
  });
});

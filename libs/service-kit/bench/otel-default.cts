/**
 * OpenTelemetry's own default Node setup, the kit benchmark's tracing anchor: `NodeSDK` with
 * `getNodeAutoInstrumentations()`, everything else from the standard `OTEL_*` variables (the
 * benchmark sets the endpoint and `OTEL_TRACES_SAMPLER=always_on`; metrics and logs are off so
 * only tracing is compared). Preloaded before the app: `node --require ./otel-default.cts app`.
 */
const { NodeSDK }: typeof import('@opentelemetry/sdk-node') = require('@opentelemetry/sdk-node');
const {
  getNodeAutoInstrumentations,
}: typeof import('@opentelemetry/auto-instrumentations-node') = require('@opentelemetry/auto-instrumentations-node');

const sdk = new NodeSDK({ instrumentations: [getNodeAutoInstrumentations()] });
sdk.start();

export * from './tracing-config';
export * from './start-tracing';
export * from './relay-spans';
export * from './rpc-tracing';
export * from './otlp-receiver';

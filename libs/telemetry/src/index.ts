export * from './errors';
export * from './tracing-config';
export * from './start-tracing';
export * from './server-span';
export * from './relay-spans';
export * from './rpc-tracing';
export * from './otlp-protobuf';
export * from './otlp-receiver';

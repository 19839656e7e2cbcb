// The fuzz without jest (`@concurrency-lab/contract-testing/fuzz`): the chaos CLI runs it too.
export * from './fuzz-request';
export * from './fuzz-arbitraries';
export * from './contract-refusal';
export * from './fuzz-verdict';
export * from './raw-exchange';
export * from './run-fuzz';

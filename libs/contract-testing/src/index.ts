// Test-only (it needs jest): the contract suite every model's e2e layer runs unchanged.
export * from './contract-target';
export * from './counter-increment';
export * from './describe-contract';
export * from './param-cases';
export * from './problem-assertions';
export * from './test-images';
export * from './fuzz/index';
export { DEFAULT_FUZZ_RUNS } from './suites/fuzz';
export { FAULTY_WORKLOADS, faultyWorkload } from './faulty-workloads';

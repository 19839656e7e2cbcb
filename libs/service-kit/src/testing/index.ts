// Test-only entry point (`@concurrency-lab/service-kit/testing`): the contract suite needs jest.
export * from './contract-suite';
export * from './param-cases';
export { appEntry, requestOnNewConnection, spawnService, workspaceRoot } from '../index';
export type { ExitStatus, RawResponse, ServiceHandle, SpawnServiceOptions } from '../index';

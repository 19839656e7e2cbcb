export * from './process-tree';

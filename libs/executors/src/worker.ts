/** What a task module may import (`@concurrency-lab/executors/worker`): light, no pool code. */
export { transfer } from './transfer';

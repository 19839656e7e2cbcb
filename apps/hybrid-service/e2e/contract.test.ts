import { describeContract, modelTarget } from '@concurrency-lab/contract-testing';

// The one contract suite, unchanged, against the hybrid model (a primary and 2 worker
// processes, each with its own thread pool).
describeContract(modelTarget('hybrid', 2));

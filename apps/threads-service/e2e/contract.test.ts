import { describeContract, modelTarget } from '@concurrency-lab/contract-testing';

// The one contract suite, unchanged, against the threads model (2 pool threads).
describeContract(modelTarget('threads', 2));

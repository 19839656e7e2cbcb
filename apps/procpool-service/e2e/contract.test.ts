import { describeContract, modelTarget } from '@concurrency-lab/contract-testing';

// The one contract suite, unchanged, against the procpool model (an HTTP process and a pool
// of 2 child processes).
describeContract(modelTarget('procpool', 2));

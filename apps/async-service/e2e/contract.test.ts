import { describeContract, modelTarget } from '@concurrency-lab/contract-testing';

// The one contract suite, unchanged, against the async model as a real process.
describeContract(modelTarget('async', 1));

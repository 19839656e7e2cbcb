import { describeContract, modelTarget } from '@concurrency-lab/contract-testing';

// The one contract suite, unchanged, against the cluster model (a primary and 2 workers).
describeContract(modelTarget('cluster', 2));

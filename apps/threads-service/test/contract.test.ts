import { appTarget, describeContract } from '@concurrency-lab/service-kit/testing';

// The one contract suite, unchanged, against the threads model (2 pool threads).
describeContract(appTarget('threads-service', 'threads', 2));

import { appTarget, describeContract } from '@concurrency-lab/service-kit/testing';

// The one contract suite, run against the async model as a real process.
describeContract(appTarget('async-service', 'async', 1));

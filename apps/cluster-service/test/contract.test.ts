import { appTarget, describeContract } from '@concurrency-lab/service-kit/testing';

// The one contract suite, unchanged, against the cluster model (a primary and 2 workers).
describeContract(appTarget('cluster-service', 'cluster', 2, ['lab_worker_restarts_total']));

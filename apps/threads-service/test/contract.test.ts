import { appTarget, describeContract } from '@concurrency-lab/service-kit/testing';

// The one contract suite, unchanged, against the threads model (2 pool threads).
describeContract(
  appTarget('threads-service', 'threads', 2, [
    'lab_pool_queue_size',
    'lab_pool_utilization',
    'lab_pool_task_wait_seconds',
    'lab_pool_task_run_seconds',
    'lab_worker_restarts_total',
  ]),
);

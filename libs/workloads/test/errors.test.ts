import { describeErrorCatalog } from '@concurrency-lab/errors/testing';
import * as workloads from '../src/index';
import { ERROR_CATALOG, ERROR_NAMESPACE } from '../src/errors';

describeErrorCatalog('@concurrency-lab/workloads', {
  namespace: ERROR_NAMESPACE,
  catalog: ERROR_CATALOG,
  exports: workloads,
  base: workloads.WorkloadError,
  classes: workloads.WORKLOAD_ERRORS,
  examples: {
    ImageTooLargeError: () => new workloads.ImageTooLargeError({ width: 9, height: 2 }, 4),
  },
});

describe('ImageTooLargeError', () => {
  it('exposes the rejected size', () => {
    expect(new workloads.ImageTooLargeError({ width: 9, height: 2 }, 4)).toMatchObject({
      width: 9,
      height: 2,
      maxSide: 4,
    });
  });
});

import { ProblemError } from '@concurrency-lab/service-kit';
import { busyPrimaryAsOverloaded } from '../src/cluster-worker-main';
import { endpointPair } from './support/ipc-port';

describe("a worker's model-wide /metrics when its primary is slow to answer", () => {
  let pair: ReturnType<typeof endpointPair>;
  beforeEach(() => (pair = endpointPair()));
  afterEach(() => pair.close());

  it('is a 503 ERR_OVERLOADED with Retry-After when the call times out, not a 500', async () => {
    pair.b.handle('metrics.aggregate', () => new Promise<never>(() => undefined)); // too busy
    const error = await pair.a
      .call('metrics.aggregate', undefined, { timeoutMs: 20 })
      .catch(busyPrimaryAsOverloaded)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({
      code: 'ERR_OVERLOADED',
      status: 503,
      retryAfterSeconds: 1,
      cause: expect.objectContaining({ code: 'ERR_CLUSTER_IPC_TIMEOUT' }),
    });
  });

  it('negative control: any other failure of the call is passed on as it is', async () => {
    const error = await pair.a
      .call('metrics.aggregate', undefined, { timeoutMs: 20 }) // no handler on the other side
      .catch(busyPrimaryAsOverloaded)
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ code: 'ERR_CLUSTER_IPC_NO_METHOD' });
  });
});

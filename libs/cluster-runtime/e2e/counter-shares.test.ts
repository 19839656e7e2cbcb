import { launchPerTest, shutdownCleanly } from './support/primary-tests';

/**
 * The counter shares ClusterPrimary asks of its workers (fixtures/worker.js), with real forked
 * workers: a share may take as long as the request's deadline allows (plus
 * INCREMENT_TIMEOUT_MARGIN_MS), since the deadline's cancellation, not the share call's own
 * timer, is what ends a slow one.
 */
describe("ClusterPrimary's counter shares, with real forked workers", () => {
  const launch = launchPerTest();

  it("waits for a share held up past the RPC default of 5 s while the request's deadline allows", async () => {
    // A worker busy with a long task answers its share late. With the call's default timeout
    // (5 s) in place of the deadline's, a 6 s deadline failed it 500 ERR_CLUSTER_IPC_TIMEOUT.
    const p = launch({ workers: 1, requestTimeoutMs: 6000 });
    await p.call('env', { name: 'FIXTURE_SHARE_DELAY_MS', value: '5500' });
    await p.start();
    const [a] = p.forked as [number];
    await expect(p.increment(a)).resolves.toEqual({ pid: a, ok: true });
    await shutdownCleanly(p);
  }, 30_000);
});

/**
 * startLocalStack's promises about what runs: a start that fails leaves nothing running, the
 * defaults take free ports (never the contract's, which a person's own run may hold), and
 * stop() stops Prometheus as well as the services.
 */
import { machineToolOrSkip, tempFolder } from '@concurrency-lab/launcher/testing';
import { MODELS, UPSTREAM } from '@concurrency-lab/models';
import { childrenOf, isAlive } from '@concurrency-lab/procfs';
import { join } from 'node:path';
import { startLocalStack } from '../src/local-stack';
import { PROMETHEUS_TOOL } from '../src/prometheus-process';

const PROMETHEUS = machineToolOrSkip(PROMETHEUS_TOOL);
const itWithPrometheus = 'path' in PROMETHEUS ? it : it.skip;

/** The processes this test process started that still run, beyond those in `before`. */
const startedSince = (before: readonly number[]) =>
  (childrenOf(process.pid) ?? []).filter((pid) => isAlive(pid) && !before.includes(pid));

describe('startLocalStack', () => {
  const folder = tempFolder('observability-e2e-local-stack-');

  it('stops every service it started when Prometheus does not start', async () => {
    const before = startedSince([]);
    await expect(
      startLocalStack({ prometheus: { binary: join(folder, 'no-prometheus') } }),
    ).rejects.toThrow(/did not become ready/);
    const left = startedSince(before);
    for (const pid of left) process.kill(pid, 'SIGKILL'); // so that a failure leaves none either
    expect(left).toEqual([]);
  }, 60_000);

  itWithPrometheus(
    'takes free ports by default and for Prometheus port 0; stop() stops Prometheus too',
    async () => {
      const stack = await startLocalStack({
        prometheus: { binary: 'path' in PROMETHEUS ? PROMETHEUS.path : '', port: 0 },
      });
      const pid = stack.prometheus?.pid ?? -1;
      try {
        const contract: number[] = [UPSTREAM.port, ...MODELS.map((m) => m.port)];
        const ports = [stack.upstream.port, ...stack.models.map((m) => m.service.port)];
        expect({
          onContractPorts: ports.filter((port) => contract.includes(port)),
          prometheusPort: new URL(stack.prometheus?.url ?? 'http://x:0').port,
          prometheusAlive: isAlive(pid), // the control
        }).toEqual({
          onContractPorts: [],
          prometheusPort: expect.not.stringMatching(/^0?$/),
          prometheusAlive: true,
        });
      } finally {
        await stack.stop();
      }
      const alive = isAlive(pid);
      if (alive) process.kill(pid, 'SIGKILL');
      expect(alive).toBe(false);
    },
    60_000,
  );
});

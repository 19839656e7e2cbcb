import { appEntry } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { childrenOf, isAlive } from '@concurrency-lab/procfs';
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

describe('chaos interrupted', () => {
  // 128 + the signal's number, as a shell reports a process a signal ended.
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    'by %s while a fleet is starting, stops the service starting, then exits %i',
    async (signal, exitCode) => {
      // overload's fleet is the model alone (no upstream): chaos's one child is the held service.
      const tool = spawn(
        process.execPath,
        [appEntry('chaos'), '--quick', '--drills', 'overload', '--models', 'async'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            NODE_OPTIONS: `--require ${join(__dirname, 'fixtures', 'slow-service-start.js')}`,
          },
        },
      );
      let stderr = '';
      tool.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      tool.stdout.resume();
      const exited = once(tool, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      let service: number | undefined;
      try {
        await until(() => (service = childrenOf(tool.pid ?? -1)?.find(isAlive)) !== undefined, {
          what: 'chaos to spawn the service',
          detail: () => stderr,
        });
        tool.kill(signal);
        const [code] = await exited;
        expect({ code, stderr: stderr.slice(-1000) }).toMatchObject({ code: exitCode });
        // Before, chaos exited at once: the fleet was not running yet, so nothing stopped it.
        expect(isAlive(service as number)).toBe(false);
      } finally {
        tool.kill('SIGKILL');
        if (service !== undefined && isAlive(service)) process.kill(service, 'SIGKILL');
      }
    },
    60_000,
  );
});

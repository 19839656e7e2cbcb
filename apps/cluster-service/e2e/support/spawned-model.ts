import { appEntry, logRecords } from '@concurrency-lab/launcher';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * A cluster model's app (cluster-service by default) started as a bare child process — not
 * `launch`, which waits for `listening`: these tests read what happens before it, or instead of
 * it. `output` is all the primary and its workers printed (they share its stdout and stderr),
 * `logs` its JSON lines.
 */
export function spawnModel(
  env: Record<string, string>,
  { app = 'cluster-service', detached = false }: { app?: string; detached?: boolean } = {},
) {
  const child = spawn(process.execPath, [appEntry(app)], {
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    pid: child.pid as number,
    exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>,
    output: () => output,
    logs: <T extends object>() => logRecords(output) as unknown as T[],
  };
}

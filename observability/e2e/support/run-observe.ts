import { execFile } from 'node:child_process';
import { join } from 'node:path';

const OBSERVE = join(__dirname, '..', '..', 'dist', 'src', 'observe.js');

export interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs observe.js to its end. A start that is not refused would run until stopped: the timeout
 * then sends SIGTERM, on which observe stops what it started and exits 0 — so the test fails
 * without leaving a service behind.
 */
export function runObserve(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Ended> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [OBSERVE],
      { env: { ...process.env, ...env }, timeout: timeoutMs, killSignal: 'SIGTERM' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AppExit } from '@concurrency-lab/launcher/testing';

export const DIST = path.join(__dirname, '..', 'dist');

/** These tests run the built output in a separate process; fail clearly when it is missing. */
export function assertBuilt(file: string): string {
  const full = path.join(DIST, file);
  if (!existsSync(full)) {
    throw new Error(
      `${full} is missing: build first with \`npx tsc -p tsconfig.lib.json\` in apps/upstream`,
    );
  }
  return full;
}

/** How it ended and what it printed: the launcher's `runApp` answer, without its process counts. */
export type Exit = Pick<AppExit, 'code' | 'signal' | 'stdout' | 'stderr'>;

export interface RunningNode {
  child: ChildProcess;
  /** Resolves with the first stdout line, or rejects if the process exits before writing one. */
  firstLine: Promise<string>;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  exited: Promise<Exit>;
}

/**
 * Spawns `node <args>` with `process.execPath`, collecting stdout and stderr. `stdin: 'pipe'`
 * gives it a stdin this process holds (`child.stdin`), as the launcher does for a lifeline.
 */
export function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs?: number,
  stdin: 'ignore' | 'pipe' = 'ignore',
): RunningNode {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'pipe'],
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      // 'exit' can precede the last stderr data; 'close' waits for the streams to end.
      child.once('close', () => resolve({ code, signal, stdout, stderr }));
    });
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end !== -1) resolve(stdout.slice(0, end));
    });
    void exited.then(({ code, signal }) =>
      reject(
        new Error(
          `exited (code ${code}, signal ${signal}) before writing a line; stderr: ${stderr}`,
        ),
      ),
    );
  });
  // Avoid an unhandled rejection when a test only cares about the exit.
  firstLine.catch(() => undefined);
  return { child, firstLine, stdout: () => stdout, exited };
}

/** Kills a child that a failed test left running, so jest can exit. */
export function killIfRunning(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Sends `GET target` on a keep-alive connection of its own and returns once the server has read
 * it: its bytes were in the server's kernel buffer before this /healthz connection was opened, so
 * by the time /healthz is answered the request is in flight. `received()`: every byte so far.
 */
export async function requestInFlight(
  port: number,
  target: string,
): Promise<{ received: () => string; closed: Promise<unknown> }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // a cut may come as a reset
  let received = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  socket.write(`GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`);
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(await health.text()).toBe('ok');
  return { received: () => received, closed };
}

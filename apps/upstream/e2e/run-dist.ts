import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

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

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface RunningNode {
  child: ChildProcess;
  /** Resolves with the first stdout line, or rejects if the process exits before writing one. */
  firstLine: Promise<string>;
  exited: Promise<Exit>;
}

/** Spawns `node <args>` with `process.execPath`, collecting stderr for assertion messages. */
export function runNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): RunningNode {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      // 'exit' can precede the last stderr data; 'close' waits for the streams to end.
      child.once('close', () => resolve({ code, signal, stderr }));
    });
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
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
  return { child, firstLine, exited };
}

/** Kills a child that a failed test left running, so jest can exit. */
export function killIfRunning(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

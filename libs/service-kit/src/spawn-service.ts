import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A service running as a real child process. */
export interface ServiceHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILLs after `killAfterMs`. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<ExitStatus>;
}

export interface SpawnServiceOptions {
  env?: Record<string, string>;
  /** How long to wait for the `listening` log line. @default 20000 */
  startTimeoutMs?: number;
  args?: string[];
}

/**
 * Starts `node <entry>` on `PORT=0` (unless given) and resolves once it logs its `listening` line
 * (`{"msg":"listening","port":…}`), the same line a person sees. Rejects with the output if the
 * process exits or stays silent instead.
 */
export function spawnService(
  entry: string,
  options: SpawnServiceOptions = {},
): Promise<ServiceHandle> {
  const child = spawn(process.execPath, [...(options.args ?? []), entry], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise<ServiceHandle>((resolve, reject) => {
    let pending = '';
    let settled = false;
    const timer = setTimeout(() => {
      fail(
        new Error(
          `${entry} did not log "listening" within ${options.startTimeoutMs ?? 20000} ms:\n${output}`,
        ),
      );
      child.kill('SIGKILL');
    }, options.startTimeoutMs ?? 20000);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      pending += text;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (settled || !line.startsWith('{')) continue;
        try {
          const record = JSON.parse(line) as { msg?: string; port?: number };
          if (record.msg === 'listening' && typeof record.port === 'number') {
            settled = true;
            clearTimeout(timer);
            resolve(handle(record.port));
          }
        } catch {
          // not a JSON log line
        }
      }
    });
    void exited.then((status) =>
      fail(new Error(`${entry} exited (${JSON.stringify(status)}) before listening:\n${output}`)),
    );

    const handle = (port: number): ServiceHandle => ({
      url: `http://127.0.0.1:${port}`,
      port,
      pid: child.pid ?? -1,
      child,
      exited,
      output: () => output,
      async stop(signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 15000) {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const status = await exited;
        clearTimeout(killer);
        return status;
      },
    });
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request on a brand-new TCP connection (no keep-alive pool), for checks about
 * connections themselves — e.g. that a draining server refuses new ones. Gives up after
 * `timeoutMs` (a connection handed to a process that was just killed may never be answered).
 */
export function requestOnNewConnection(
  url: string,
  method = 'GET',
  timeoutMs = 10_000,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: false,
        headers: { connection: 'close' },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

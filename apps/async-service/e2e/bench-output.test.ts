/**
 * A bench's figures are read from files and pipes (`… bench > figures.txt`, pasted into a commit
 * message): they must be plain text there. Nx runs every task with FORCE_COLOR=true (and in a
 * pseudo-terminal), so a bench cannot tell a file from a terminal by the usual signs; it prints
 * no colour at all. Here: this service's bench, run as Nx runs it (FORCE_COLOR=true) with its
 * stdout a pipe. The other benches print through the same report-kit `recordTable`.
 */
import { workspaceRoot } from '@concurrency-lab/launcher';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

// ESC: the start of every ANSI colour (and cursor) sequence.
const ESC = '\u001b';

function runBench(cwd: string, script: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('async-service bench output to a pipe', () => {
  it('is plain text, even with FORCE_COLOR=true as Nx sets it', async () => {
    const run = await runBench(
      join(workspaceRoot(), 'apps', 'async-service'),
      'bench/async-service.bench.mts',
      { FORCE_COLOR: 'true', BENCH_SECONDS: '1', BENCH_CONNECTIONS: '2' },
    );
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    // The control: the table is there, every route with its ratio against /healthz.
    for (const route of ['/healthz', '/cpu/fib?n=20', '/io/sleep?ms=20']) {
      expect(run.stdout).toContain(route);
    }
    expect(run.stdout).toContain('req/s vs /healthz');
    expect(run.stdout).not.toContain(ESC);
  }, 120_000);
});

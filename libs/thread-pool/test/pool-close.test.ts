import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/** Runs a script of fixtures/ as its own process: its exit code and its JSON lines. */
async function runScript(script: string): Promise<{ code: number | null; lines: unknown[] }> {
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', script)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const [code] = (await once(child, 'close')) as [number | null];
  return {
    code,
    lines: out
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown),
  };
}

describe('ThreadPoolRunner#close() in a process of its own (nothing else keeps the loop alive)', () => {
  it('settles when a running task is cancelled just after close() began, and leaves no thread', async () => {
    // piscina's close waits for every thread it counted at the start to report its task done; a
    // thread terminated to cancel its task never does, and piscina's own timeout timer does not
    // keep the process alive. The process then ended, exit 0, with close() still pending — a
    // service's drain stopped there: no 'stopped' line, no span flush, exit 0 after a timeout.
    const { code, lines } = await runScript('close-then-abort.js');
    expect(lines).toEqual([{ task: 'cancelled' }, { close: 'closed', threads: 0 }]);
    expect(code).toBe(0);
  });
});

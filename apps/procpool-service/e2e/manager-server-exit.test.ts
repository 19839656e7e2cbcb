import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

describe("ManagerServer's socket directory", () => {
  it('is removed when its process exits without close() (process.exit on a fatal error)', async () => {
    const child = fork(join(__dirname, 'fixtures', 'manager-exits.js'), { stdio: 'inherit' });
    const exited = once(child, 'exit');
    try {
      const [message] = (await once(child, 'message')) as [{ dir?: string; failed?: string }];
      expect(message.failed).toBeUndefined();
      const dir = message.dir as string;
      // The control: while the process runs, its directory (and socket) are there.
      expect(existsSync(join(dir, 'manager.sock'))).toBe(true);
      child.send('exit');
      expect(await exited).toEqual([1, null]);
      expect(existsSync(dir)).toBe(false);
    } finally {
      child.kill();
    }
  });
});

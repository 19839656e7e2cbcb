import {
  CounterManager,
  RPC,
  RpcEndpoint,
  type ShareRunner,
} from '@concurrency-lab/cluster-runtime';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ManagerServer, MAX_CUT_TOKENS, type ManagerServerOptions } from '../src/manager-server';
import { counterShare } from '../src/pool-tasks';
import { poolShares } from '../src/runtime';
import { socketPort } from '../src/socket-port';

/**
 * The manager and its proxies in one process: the shares below are the very task the pool's
 * processes run (`counterShare`), each over its own real Unix socket connection, so their
 * get/set round trips interleave as two processes' do.
 */
function managed(parties: number, { held = false, ...options }: ManagedOptions = {}) {
  const manager: CounterManager = new CounterManager(
    held
      ? // The service's own wiring (runtime.ts): named shares, held until all are connected; each
        // share the same task, run here instead of in a pool process.
        poolShares(
          {
            workers: parties,
            counterShare: async (share) => (await counterShare(share)).value,
          },
          () => server,
        )
      : () =>
          Array.from(
            { length: parties },
            (): ShareRunner => (share) =>
              counterShare({ ...share, address: server.address, authkey: server.authkey }),
          ),
  );
  const server: ManagerServer = new ManagerServer(manager, options);
  return { manager, server };
}

interface ManagedOptions extends ManagerServerOptions {
  /** Named shares the server holds until every share of the request is connected. */
  held?: boolean;
}

/** Runs `test` against a listening {@link managed} server, and closes it whatever happens. */
async function withManaged(
  parties: number,
  test: (managed: { manager: CounterManager; server: ManagerServer }) => Promise<void>,
  options?: ManagedOptions,
): Promise<void> {
  const { manager, server } = managed(parties, options);
  await server.listen();
  try {
    await test({ manager, server });
  } finally {
    await server.close();
  }
}

/**
 * Resolves in the turn of the event loop that served the manager's first add: checked after every
 * I/O phase (setImmediate), so a cut made then stops a share after its first batches, however
 * slow the machine — a share's thousand round trips take ~30 ms here.
 */
async function firstAdd(manager: CounterManager): Promise<void> {
  for (let turns = 0; manager.value === 0; turns++) {
    if (turns > 1_000_000) throw new Error('no add reached the manager');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A safe share of `times` adds over `server`'s socket, under the name `token`. */
function namedShare(server: ManagerServer, token: string, times: number) {
  return counterShare({
    address: server.address,
    authkey: server.authkey,
    times,
    safe: true,
    token,
  });
}

describe('the counter manager served over a Unix socket', () => {
  it('is exact with atomic adds from two proxies', () =>
    withManaged(2, async ({ manager }) => {
      await expect(manager.increment({ times: 200_000, safe: true })).resolves.toMatchObject({
        expected: 200_000,
        actual: 200_000,
      });
    }));

  it('loses updates with get-then-set from two proxies (the negative control)', () =>
    withManaged(2, async ({ manager }) => {
      const { expected, actual } = await manager.increment({ times: 200_000, safe: false });
      expect(expected).toBe(200_000);
      expect(actual).toBeGreaterThan(0);
      expect(actual).toBeLessThan(expected);
    }));

  it('serves no method to a connection with the wrong authkey, and cuts it', () =>
    withManaged(1, async ({ manager, server }) => {
      await expect(
        counterShare({ address: server.address, authkey: 'f'.repeat(64), times: 10, safe: true }),
      ).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' }); // the channel closed under it
      expect(manager.value).toBe(0);
    }));

  it('cuts a connection that never says hello, and serves one that does', async () => {
    // Its own manager: managed() would also make a server (and a directory) never closed.
    // The hello timer also bounds the second connection's hello, so it leaves room for a loaded
    // machine, as a 50 ms page timeout did not in CI; the silent connection simply waits it out.
    const server = new ManagerServer(new CounterManager(() => []), { helloTimeoutMs: 500 });
    await server.listen();
    try {
      const silent = connect(server.address);
      silent.on('error', () => undefined);
      await once(silent, 'close');
      const socket = connect(server.address);
      await once(socket, 'connect');
      const port = socketPort(socket);
      const rpc = new RpcEndpoint(port);
      port.send({ kind: 'hello', authkey: server.authkey });
      await expect(rpc.call(RPC.counterAdd, { delta: 5 })).resolves.toBe(5);
      rpc.close();
      socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('serves its processes while 300 connections sit idle without a hello', () =>
    withManaged(1, async ({ manager, server }) => {
      const idle = Array.from({ length: 300 }, () => {
        const socket = connect(server.address);
        socket.on('error', () => undefined);
        return socket;
      });
      try {
        await Promise.all(idle.map((socket) => once(socket, 'connect')));
        // Before, they held 256 slots shared with the processes': the share was dropped unheard
        // and failed as a crash ("the IPC channel closed").
        await expect(
          counterShare({ address: server.address, authkey: server.authkey, times: 10, safe: true }),
        ).resolves.toMatchObject({ value: 10 });
        expect(manager.value).toBe(10);
      } finally {
        for (const socket of idle) socket.destroy();
      }
    }));

  it('past maxPendingHellos, cuts the oldest connection still without a hello, saying busy', async () => {
    const server = new ManagerServer(new CounterManager(() => []), { maxPendingHellos: 2 });
    await server.listen();
    const heard = (socket: Socket) => {
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      return () => text;
    };
    try {
      const [oldest, second] = [connect(server.address), connect(server.address)];
      const said = heard(oldest);
      await Promise.all([once(oldest, 'connect'), once(second, 'connect')]);
      // Accepted over there in the order they came (the listen backlog is a queue).
      const newest = connect(server.address);
      await once(oldest, 'close');
      expect(said()).toBe('{"kind":"busy"}\n');
      // The newer ones are still open.
      expect(second.destroyed || newest.destroyed).toBe(false);
      for (const socket of [second, newest]) socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('refuses a share past maxConnections as a 503 bound (ERR_OVERLOADED), not a crash', async () => {
    const server = new ManagerServer(new CounterManager(() => []), { maxConnections: 0 });
    await server.listen();
    try {
      await expect(
        counterShare({ address: server.address, authkey: server.authkey, times: 1, safe: true }),
      ).rejects.toMatchObject({ code: 'ERR_OVERLOADED' });
    } finally {
      await server.close();
    }
  });

  // Before, the share that got in first added its half while its sibling was refused: the
  // request answered 503, which invites a retry, with 100,000 already counted.
  it.each([true, false])(
    'fails a request whose share is refused at the bound before any share adds (safe=%s)',
    (safe) =>
      withManaged(
        2,
        async ({ manager }) => {
          await expect(manager.increment({ times: 200_000, safe })).rejects.toMatchObject({
            code: 'ERR_OVERLOADED',
          });
          expect(manager.value).toBe(0);
        },
        { held: true, maxConnections: 1 },
      ),
  );

  it('negative control: held shares within the bound start together, exact, and still race unsafe', () =>
    withManaged(
      2,
      async ({ manager }) => {
        await expect(manager.increment({ times: 200_000, safe: true })).resolves.toMatchObject({
          expected: 200_000,
          actual: 200_000,
        });
        const { expected, actual } = await manager.increment({ times: 200_000, safe: false });
        expect(expected).toBe(400_000);
        expect(actual).toBeGreaterThan(200_000);
        expect(actual).toBeLessThan(expected);
      },
      { held: true, maxConnections: 2 },
    ));

  it('cut(token) stops a running share where it stands: nothing more of it lands, its late hello is refused', () =>
    withManaged(1, async ({ manager, server }) => {
      const share = (token: string, times: number) => namedShare(server, token, times);
      // 1,000,000 in batches of 1,000: a thousand round trips, long enough to be cut mid-way.
      const running = share('a', 1_000_000);
      await firstAdd(manager);
      server.cut('a');
      await expect(running).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' }); // its channel closed
      const at = manager.value;
      expect(at).toBeLessThan(1_000_000);
      await sleep(50);
      expect(manager.value).toBe(at); // nothing it had sent landed later
      // A share of the same name that connects after the cut is refused (its task may have
      // ended long before the manager reads its hello); only the last MAX_CUT_TOKENS are kept.
      await expect(share('a', 10)).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
      expect(manager.value).toBe(at);
      for (let i = 0; i < MAX_CUT_TOKENS; i++) server.cut(`later-${i}`);
      await expect(share('a', 10)).resolves.toMatchObject({ value: 10 });
      expect(manager.value).toBe(at + 10);
    }));

  it('refuses a second connection under the name of a running share, which stays cuttable', () =>
    withManaged(1, async ({ manager, server }) => {
      const share = (times: number) => namedShare(server, 'a', times);
      const running = share(1_000_000);
      await firstAdd(manager);
      await expect(share(10)).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
      server.cut('a');
      await expect(running).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
      expect(manager.value).toBeLessThan(1_000_000);
    }));

  it('takes a token past 64 characters for no name: such a share is anonymous, never cut (control: 64 are a name)', () =>
    withManaged(1, async ({ manager, server }) => {
      const share = (token: string) => namedShare(server, token, 10);
      const name = 'x'.repeat(64);
      const tooLong = 'x'.repeat(65);
      server.cut(name);
      server.cut(tooLong);
      // The control: 64 characters are a share's name, so its cut refuses the hello.
      await expect(share(name)).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
      expect(manager.value).toBe(0);
      // 65 are no name at all: served as a share without one, whatever was cut.
      await expect(share(tooLong)).resolves.toMatchObject({ value: 10 });
      expect(manager.value).toBe(10);
    }));

  it('negative control: cutting another share leaves a running one to finish', () =>
    withManaged(1, async ({ manager, server }) => {
      const running = namedShare(server, 'a', 1_000_000);
      await firstAdd(manager);
      server.cut('b');
      await expect(running).resolves.toMatchObject({ value: 1_000_000 });
      expect(manager.value).toBe(1_000_000);
    }));

  // The service makes its manager with the defaults (runtime.ts): one share per pool process
  // holds a connection, and WORKERS may be 256.
  it('admits 256 shares at once by default, and refuses the 257th as a 503 bound', async () => {
    await withManaged(
      256,
      async ({ manager }) => {
        await expect(manager.increment({ times: 2560, safe: true })).resolves.toMatchObject({
          expected: 2560,
          actual: 2560,
        });
      },
      { held: true },
    );
    // The control: one more share than the default bound is refused before any share adds.
    await withManaged(
      257,
      async ({ manager }) => {
        await expect(manager.increment({ times: 2570, safe: true })).rejects.toMatchObject({
          code: 'ERR_OVERLOADED',
        });
        expect(manager.value).toBe(0);
      },
      { held: true },
    );
  });

  it('cuts a connection that never says hello within its default hello timeout (500 ms)', async () => {
    const server = new ManagerServer(new CounterManager(() => []));
    await server.listen();
    let bound: NodeJS.Timeout | undefined;
    try {
      const silent = connect(server.address);
      silent.on('error', () => undefined);
      // Far past 500 ms, far short of a default that would let idle connections hold the slots.
      const outcome = await Promise.race([
        once(silent, 'close').then(() => 'cut'),
        new Promise((resolve) => (bound = setTimeout(resolve, 15_000, 'still open'))),
      ]);
      expect(outcome).toBe('cut');
      silent.destroy();
    } finally {
      clearTimeout(bound);
      await server.close();
    }
  });

  it('removes its socket and folder when closed', async () => {
    const { server } = managed(1);
    await server.listen();
    expect(existsSync(server.address)).toBe(true);
    await server.close();
    expect(existsSync(dirname(server.address))).toBe(false);
  });
});

import { LIFELINE_STDIN, LIFELINE_VARIABLE as LAUNCHER_VARIABLE } from '@concurrency-lab/launcher';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  claimLifeline,
  ConfigError,
  LIFELINE_KINDS,
  LIFELINE_VARIABLE,
  loadConfig,
  watchLifeline,
} from '../src/index';

/** A stand-in for stdin that counts its unref calls, as a pipe's socket would take them. */
function input() {
  const stream = new PassThrough() as PassThrough & { unrefs: number; unref(): void };
  stream.unrefs = 0;
  stream.unref = () => void stream.unrefs++;
  return stream;
}

// Both take the variable out of the environment: each test leaves it as it found it.
const saved = process.env[LIFELINE_VARIABLE];
afterEach(() => {
  if (saved === undefined) delete process.env[LIFELINE_VARIABLE];
  else process.env[LIFELINE_VARIABLE] = saved;
});

describe('watchLifeline', () => {
  it('calls back once when its input ends, having read and dropped what came before', async () => {
    const stdin = input();
    let lost = 0;
    watchLifeline('stdin', () => lost++, stdin);
    stdin.write('anything');
    await nextTurn();
    expect(lost).toBe(0);
    stdin.end();
    await nextTurn();
    stdin.destroy(); // 'close' after 'end': still once
    await nextTurn();
    expect(lost).toBe(1);
  });

  it('takes an error or a close without an end as the end too, once', async () => {
    const failing = input();
    let lost = 0;
    watchLifeline('stdin', () => lost++, failing);
    failing.destroy(new Error('ECONNRESET'));
    await nextTurn();
    expect(lost).toBe(1);

    const closed = input();
    watchLifeline('stdin', () => lost++, closed);
    closed.destroy();
    await nextTurn();
    expect(lost).toBe(2);
  });

  it('holds nothing open (unrefs its input) and takes the variable out of the environment', () => {
    process.env[LIFELINE_VARIABLE] = 'stdin';
    const stdin = input();
    watchLifeline('stdin', () => undefined, stdin);
    expect(stdin.unrefs).toBe(1);
    expect(stdin.isPaused()).toBe(false);
    expect(process.env[LIFELINE_VARIABLE]).toBeUndefined();
  });

  it('disarmed, it never calls back, and an error on its input stays handled', async () => {
    const stdin = input();
    let lost = 0;
    const disarm = watchLifeline('stdin', () => lost++, stdin);
    disarm();
    stdin.destroy(new Error('late'));
    await nextTurn();
    expect(lost).toBe(0);
  });

  it('negative control: without a kind it touches neither its input nor the environment', () => {
    process.env[LIFELINE_VARIABLE] = 'stdin';
    const stdin = input();
    watchLifeline(undefined, () => undefined, stdin);
    expect(stdin.unrefs).toBe(0);
    expect(stdin.listenerCount('end')).toBe(0);
    expect(process.env[LIFELINE_VARIABLE]).toBe('stdin');
  });
});

describe('claimLifeline', () => {
  it('refuses a stdin that is no pipe, naming the variable, and leaves the variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-lifeline-'));
    const file = openSync(join(dir, 'stdin'), 'w');
    const devNull = openSync('/dev/null', 'r');
    try {
      process.env[LIFELINE_VARIABLE] = 'stdin';
      expect(() => claimLifeline('stdin', file)).toThrow(
        new ConfigError(
          "Invalid configuration: LAB_LIFELINE: stdin is a file, not a pipe: set it only where the process that starts this one holds stdin's other end (the launcher does)",
        ),
      );
      expect(() => claimLifeline('stdin', devNull)).toThrow(/stdin is a terminal or a device/);
      expect(() => claimLifeline('stdin', 1_000_000)).toThrow(/stdin is closed/);
      expect(process.env[LIFELINE_VARIABLE]).toBe('stdin');
      // Unset: nothing to check, whatever stdin is.
      expect(() => claimLifeline(undefined, devNull)).not.toThrow();
    } finally {
      closeSync(file);
      closeSync(devNull);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('claims a socket as stdin, and takes the variable out of the environment', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      await once(client, 'connect');
      // The socket's own descriptor: what fd 0 is when a launcher hands over a socket pair.
      const { fd } = (client as unknown as { _handle: { fd: number } })._handle;
      process.env[LIFELINE_VARIABLE] = 'stdin';
      expect(() => claimLifeline('stdin', fd)).not.toThrow();
      expect(process.env[LIFELINE_VARIABLE]).toBeUndefined();
    } finally {
      client.destroy();
      server.close();
    }
  });
});

describe('LAB_LIFELINE', () => {
  it('is the variable and the value the launcher sets', () => {
    expect(LIFELINE_VARIABLE).toBe(LAUNCHER_VARIABLE);
    expect(LIFELINE_KINDS).toContain(LIFELINE_STDIN);
  });

  it('is read with the rest of the configuration, and a bad value names it', () => {
    expect(loadConfig({}, { port: 1 }).lifeline).toBeUndefined();
    expect(loadConfig({ LAB_LIFELINE: 'stdin' }, { port: 1 }).lifeline).toBe('stdin');
    expect(() => loadConfig({ LAB_LIFELINE: 'ipc' }, { port: 1 })).toThrow(
      new ConfigError('Invalid configuration: LAB_LIFELINE: expected one of stdin, got `ipc`'),
    );
  });
});

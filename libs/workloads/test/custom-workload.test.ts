import { timersSetBy, useEnv } from '@concurrency-lab/launcher/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrown } from '@concurrency-lab/errors/testing';
import {
  checkCrossable,
  checkCustomResult,
  configuredWorkload,
  customResultJson,
  loadCustomWorkload,
  MAX_WORKLOAD_INPUTS,
  runCpuTask,
  WORKLOAD_ENV,
} from '../src/index';

const fixture = (name: string) => join(__dirname, 'fixtures', name);

/** Runs `body` with a module file of `source` in a fresh directory, removed afterwards. */
async function withModule(source: string, body: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'workload-'));
  try {
    const file = join(dir, 'w.cjs');
    writeFileSync(file, source);
    await body(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A module whose inputs() answers `count` numbers. */
const inputsOfLength = (count: number) =>
  `module.exports = { run: (x) => x, inputs: () => Array.from({ length: ${count} }, (_, i) => i) };`;

describe('a custom workload module', () => {
  it('loads run, inputs and the first line of describe', async () => {
    const workload = await loadCustomWorkload(fixture('sum-workload.cjs'));
    expect(workload).toMatchObject({
      path: fixture('sum-workload.cjs'),
      describe: 'sums an array',
      inputs: [
        [1, 2],
        [3, 4, 5],
      ],
    });
    await expect(workload.run([3, 4, 5])).resolves.toBe(12);
  });

  it.each([
    ['LF', 'first\nsecond'],
    ['CR (a line break to Markdown and to a browser)', 'first\r# second'],
    ['CRLF', 'first\r\nsecond'],
    ['U+2028', 'first\u2028second'],
  ])('keeps describe to its first line, whatever ends it: %s', async (_, describe) => {
    const dir = mkdtempSync(join(tmpdir(), 'describe-'));
    try {
      const file = join(dir, 'w.cjs');
      writeFileSync(
        file,
        `module.exports = { run: () => 1, describe: ${JSON.stringify(describe)} };`,
      );
      await expect(loadCustomWorkload(file)).resolves.toMatchObject({ describe: 'first' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds run and inputs on a CommonJS module's default export, where no named export shows them", async () => {
    // Not enumerable: neither Node's import (its static scan of exports) nor jest's CommonJS
    // interop makes named exports of them, so only `default` holds them.
    const source =
      'module.exports = Object.defineProperties({}, { run: { value: (x) => x * 2 }, inputs: { value: () => [21] } });';
    await withModule(source, async (file) => {
      const workload = await loadCustomWorkload(file);
      expect(workload.inputs).toEqual([21]);
      expect(workload.run(21)).toBe(42);
    });
  });

  it('cuts describe to 200 characters, and names the file when it gives no line', async () => {
    await withModule(
      `module.exports = { run: () => 1, describe: '${'d'.repeat(300)}' };`,
      async (file) => {
        await expect(loadCustomWorkload(file)).resolves.toMatchObject({
          describe: 'd'.repeat(200),
        });
      },
    );
    // No describe, or one answering no string: the file's name, not its whole path.
    for (const describe of ['', ', describe: () => 42']) {
      await withModule(`module.exports = { run: () => 1${describe} };`, async (file) => {
        await expect(loadCustomWorkload(file)).resolves.toMatchObject({ describe: 'w.cjs' });
      });
    }
  });

  it.each([
    ['a relative path', 'sum-workload.cjs', 'path'],
    ['a missing file', fixture('missing.mjs'), 'not-found'],
    ['a module without run', fixture('no-run-workload.cjs'), 'no-run'],
    ['inputs() rejecting with no Error', fixture('inputs-reject-workload.cjs'), 'inputs'],
    ['describe() throwing null', fixture('describe-throws-workload.cjs'), 'load'],
  ])('refuses %s with ERR_WORKLOAD_MODULE, naming the check (%s)', async (_what, path, problem) => {
    await expect(loadCustomWorkload(path)).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_MODULE',
      problem,
    });
  });

  it(`loads an inputs() of exactly MAX_WORKLOAD_INPUTS (${MAX_WORKLOAD_INPUTS}) values`, async () => {
    await withModule(inputsOfLength(MAX_WORKLOAD_INPUTS), async (file) => {
      const workload = await loadCustomWorkload(file);
      expect(workload.inputs).toHaveLength(MAX_WORKLOAD_INPUTS);
      expect(workload.inputs[MAX_WORKLOAD_INPUTS - 1]).toBe(MAX_WORKLOAD_INPUTS - 1);
    });
  });

  it.each([
    ['one more than MAX_WORKLOAD_INPUTS', MAX_WORKLOAD_INPUTS + 1],
    ['none (an empty array: nothing to cycle through)', 0],
  ])('refuses an inputs() answering %s (ERR_WORKLOAD_MODULE, inputs)', async (_what, count) => {
    await withModule(inputsOfLength(count), async (file) => {
      await expect(loadCustomWorkload(file)).rejects.toMatchObject({
        code: 'ERR_WORKLOAD_MODULE',
        problem: 'inputs',
        message: expect.stringContaining(
          `1 to ${MAX_WORKLOAD_INPUTS} inputs, got \`array\` of length ${count}`,
        ) as string,
      });
    });
  });

  it('leaves no timer behind once loaded: a probe or a CLI that loads one exits at once', async () => {
    // inputs() settles on the next turn through an Immediate, which is no 'Timeout'.
    const source =
      'module.exports = { run: (x) => x, inputs: () => new Promise((resolve) => setImmediate(() => resolve([1]))) };';
    await withModule(source, async (file) => {
      // A minute: a load timer left behind would still be alive below (and hold the process).
      using loading = timersSetBy(() => loadCustomWorkload(file, { timeoutMs: 60_000 }));
      // Negative control: the count sees the load's timer while the module loads.
      expect(await loading.pending()).toBe(1);
      await expect(loading.result).resolves.toMatchObject({ inputs: [1] });
      expect(await loading.pending()).toBe(0);
    });
  });

  it('refuses inputs a pool process cannot be sent (a SharedArrayBuffer), naming the input', async () => {
    // structuredClone takes it (the old check) and a pool thread would; procpool's channel
    // (v8.serialize) refused it on every request, a 500 ERR_WORKER_CRASHED each.
    expect(() => structuredClone(new SharedArrayBuffer(8))).not.toThrow();
    await expect(
      loadCustomWorkload(fixture('shared-memory-inputs-workload.cjs')),
    ).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_MODULE',
      problem: 'inputs',
      message: expect.stringMatching(
        /input 1 \(`object`\) cannot: .*SharedArrayBuffer.* could not be cloned/,
      ) as string,
    });
  });

  it('negative control: inputs of typed arrays, Maps, Sets, Dates and bigints load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inputs-'));
    try {
      const file = join(dir, 'w.cjs');
      writeFileSync(
        file,
        'module.exports = { run: () => 1, inputs: () => [new Float64Array(2), new Map([[1, 2]]), new Set([3]), new Date(0), 10n, { a: [null] }] };',
      );
      const workload = await loadCustomWorkload(file);
      expect(workload.inputs).toHaveLength(6);
      expect(workload.inputs[4]).toBe(10n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives up on an inputs() that never settles (ERR_WORKLOAD_MODULE), instead of waiting forever', async () => {
    await expect(
      loadCustomWorkload(fixture('inputs-never-workload.cjs'), { timeoutMs: 50 }),
    ).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_MODULE',
      problem: 'inputs',
      message: expect.stringMatching(/did not settle within 0.05 s/) as string,
    });
  });

  it('is loaded once per thread or process: configuredWorkload() answers the same promise', async () => {
    // A fresh module registry (requireActual uses it too): this file's other tests configure the
    // sum workload in theirs.
    await jest.isolateModulesAsync(async () => {
      const configured = jest.requireActual<{ configuredWorkload: typeof configuredWorkload }>(
        '../src/custom-workload',
      ).configuredWorkload;
      // Not the module this file imported: its cache may hold another workload.
      expect(configured).not.toBe(configuredWorkload);
      const env = { [WORKLOAD_ENV]: fixture('counting-inputs-workload.cjs') };
      const first = configured(env);
      const second = configured(env);
      expect(second).toBe(first);
      const workload = await first;
      // run() answers how many times inputs() was called.
      expect(workload.run(undefined)).toBe(1);
      await expect(configured(env)).resolves.toBe(workload);
      expect(workload.run(undefined)).toBe(1);
    });
  });

  it('is refused when LAB_WORKLOAD is not set: nothing loads code but the operator', async () => {
    await expect(configuredWorkload({})).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_MODULE',
      problem: 'unset',
    });
    // Set to nothing (`LAB_WORKLOAD=` in a compose file) is unset too, not a bad path.
    await expect(configuredWorkload({ [WORKLOAD_ENV]: '' })).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_MODULE',
      problem: 'unset',
    });
  });
});

describe("runCpuTask({ kind: 'custom' })", () => {
  useEnv(WORKLOAD_ENV, fixture('sum-workload.cjs'));

  it('runs the configured workload on the input and answers a promise', async () => {
    const answer = runCpuTask({ kind: 'custom', input: [1, 2, 3] });
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).resolves.toBe(6);
  });

  it('turns a throw of run into ERR_WORKLOAD_RUN_FAILED, keeping the cause', async () => {
    const failure = await Promise.resolve(runCpuTask({ kind: 'custom', input: 'boom' })).catch(
      (error: unknown) => error as { code: string; cause: unknown },
    );
    expect(failure).toMatchObject({ code: 'ERR_WORKLOAD_RUN_FAILED' });
    expect((failure as { cause: Error }).cause).toBeInstanceOf(TypeError);
  });

  it.each([
    ['null', '`null`'],
    ['undefined', '`undefined`'],
    // No string form (String() throws for it): described as util.inspect shows it.
    ['bare', '`[Object: null prototype] {}`'],
  ])(
    'turns a throw of %s (no Error) into ERR_WORKLOAD_RUN_FAILED too, naming it',
    async (input, named) => {
      const failure = await Promise.resolve(runCpuTask({ kind: 'custom', input })).catch(
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({
        code: 'ERR_WORKLOAD_RUN_FAILED',
        message: `the workload's run threw ${named}`,
      });
    },
  );

  it('refuses, where it crosses, an answer no pool can send back (a function): ERR_WORKLOAD_RUN_FAILED', async () => {
    // runCpuTask answers it; a pool's worker checks it before the way back (thread-pool's and
    // procpool's tests), and the service's JSON step refuses it on the event loop (service-kit's).
    const answer: unknown = await runCpuTask({ kind: 'custom', input: 'a function' });
    const failure = thrown(() => checkCrossable(answer));
    expect(failure).toMatchObject({
      code: 'ERR_WORKLOAD_RUN_FAILED',
      message: expect.stringContaining('cannot cross to a thread or process') as string,
    });
  });

  it('answers null for a run that answers nothing, so the answer keeps its `result`', async () => {
    await expect(runCpuTask({ kind: 'custom', input: 'nothing' })).resolves.toBeNull();
  });
});

describe('checkCustomResult', () => {
  const circular: Record<string, unknown> = {};
  circular['self'] = circular;
  const circularInMap = new Map<string, unknown>();
  circularInMap.set('self', { map: circularInMap });
  class NoJson {
    toJSON(): undefined {
      return undefined;
    }
  }

  it.each([
    ['a function', () => 1, /cannot cross/],
    ['a symbol', Symbol('s'), /cannot cross/],
    ['an object holding a function', { f: () => 1 }, /cannot cross/],
    ['a promise', Promise.resolve(1), /cannot cross/],
    ['a WeakMap', new WeakMap(), /cannot cross/],
    // A thread would take it; a pool process (v8.serialize) would not.
    ['a SharedArrayBuffer', new SharedArrayBuffer(8), /cannot cross/],
    ['a circular object', circular, /JSON cannot carry/],
    ['a cycle through a Map', circularInMap, /JSON cannot carry/],
    ['an object whose toJSON answers nothing', new NoJson(), /no JSON value/],
  ])('refuses %s with ERR_WORKLOAD_RUN_FAILED', (_what, value, why) => {
    expect(() => checkCustomResult(value)).toThrow(
      expect.objectContaining({
        code: 'ERR_WORKLOAD_RUN_FAILED',
        message: expect.stringMatching(why) as string,
      }),
    );
  });

  it.each([
    ['a number', 42],
    ['a string', 'x'],
    ['null', null],
    ['a bigint', 10n],
    ['a plain object', { a: [1, { b: 'c' }], d: null }],
    ['a Map and a Set', { m: new Map([[1, 2]]), s: new Set([3]) }],
    ['a typed array', new Float64Array(4)],
    ['a Date', new Date(0)],
  ])('negative control: passes %s through as it is', (_what, value) => {
    expect(checkCustomResult(value)).toBe(value);
  });

  it('answers null for undefined (the service answers `result: null`)', () => {
    expect(checkCustomResult(undefined)).toBeNull();
  });
});

describe('customResultJson', () => {
  it('writes a bigint as text, bytes as their length, a Map as an object and a Set as an array', () => {
    const result = {
      big: 10n,
      bytes: new Uint8Array(3),
      buffer: new ArrayBuffer(5),
      map: new Map([['a', 1]]),
      set: new Set([1, 2]),
    };
    expect(customResultJson(result)).toBe(
      '{"big":"10","bytes":{"byteLength":3},"buffer":{"byteLength":5},"map":{"a":1},"set":[1,2]}',
    );
    // The control: plain JSON values are written as JSON.stringify writes them.
    expect(customResultJson({ a: [1, 'x', null, true] })).toBe('{"a":[1,"x",null,true]}');
  });
});

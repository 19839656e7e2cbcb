import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  type Executor,
  type ProcessPoolExecutorOptions,
} from '../../src/index';

export type ExecutorKind = 'thread' | 'process';

export const TASKS = join(__dirname, '../fixtures/tasks.js');

export function createExecutor(
  kind: ExecutorKind,
  options: Partial<ProcessPoolExecutorOptions> = {},
): Executor {
  const settings = { filename: TASKS, maxWorkers: 2, ...options };
  return kind === 'thread' ? new ThreadPoolExecutor(settings) : new ProcessPoolExecutor(settings);
}

/** A file the tasks append `start <id>` / `end <id>` lines to. */
export class TaskLog {
  readonly #dir = mkdtempSync(join(tmpdir(), 'executors-'));
  readonly path = join(this.#dir, 'tasks.log');

  lines(): string[] {
    try {
      return readFileSync(this.path, 'utf8').split('\n').filter(Boolean);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return []; // nothing ran yet
      throw error;
    }
  }

  has(line: string): boolean {
    return this.lines().includes(line);
  }

  remove(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Every value of an async iterable (a map), in order; rejects with its error. */
export async function drain(mapping: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of mapping) out.push(value);
  return out;
}

/** The error a promise rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error('expected a rejection');
}

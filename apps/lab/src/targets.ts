import type { ModelName } from '@concurrency-lab/models';
import { z } from 'zod';
import { TargetUnreachableError } from './errors';

/** A model service the lab drives: one it started, or one named by `--targets`. */
export interface LabTarget {
  model: ModelName;
  /** Base URL, no trailing slash. */
  url: string;
  /** Root process when the lab started it (RSS and CPU from /proc); undefined for a target. */
  pid: number | undefined;
  /** WORKERS as the service reports it on `/info`; null if it did not say. */
  workers: number | null;
}

/**
 * The part of `/info` (docs/contract.md) the lab reads: an object naming its model. `workers` is
 * read leniently (`workersIn`), since a service may leave it out.
 */
const infoSchema = z.looseObject({ model: z.string(), workers: z.unknown().optional() });
type Info = z.infer<typeof infoSchema>;

/** `/info` of a service, or a coded error saying why not. */
async function info(model: string, url: string): Promise<Info> {
  let response: Response;
  try {
    response = await fetch(`${url}/info`, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new TargetUnreachableError(
      `Expected ${model} at ${url} to answer /info, got ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new TargetUnreachableError(
      `Expected ${model} at ${url} to answer /info with 200, got ${response.status}`,
    );
  }
  // A URL at some other web server (an nginx page, `null`) is not a lab service: said so, coded,
  // instead of a SyntaxError or TypeError stack from reading it as one.
  const notInfo = (got: string, cause?: unknown) =>
    new TargetUnreachableError(
      `Expected ${model} at ${url} to answer /info with a lab service's JSON ({ model, workers, … }), got ${got}`,
      { cause },
    );
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw notInfo(`a body that is not JSON (${(error as Error).message})`, error);
  }
  const parsed = infoSchema.safeParse(body);
  if (!parsed.success) throw notInfo(`${JSON.stringify(body)?.slice(0, 80)}`);
  return parsed.data;
}

/**
 * `--targets`: checks that each URL answers `/info` as the model it was named for (a typo that
 * points `threads=` at the cluster would quietly mislabel every figure) and reads its WORKERS.
 */
export async function connectTargets(
  targets: Partial<Record<ModelName, string>>,
): Promise<LabTarget[]> {
  return Promise.all(
    (Object.entries(targets) as [ModelName, string][]).map(async ([model, url]) => {
      const answer = await info(model, url);
      if (answer.model !== model) {
        throw new TargetUnreachableError(
          `Expected the service at ${url} to be model \`${model}\`, got \`${String(answer.model)}\``,
        );
      }
      return { model, url, pid: undefined, workers: workersIn(answer) };
    }),
  );
}

/** WORKERS of a service the lab started itself; null if `/info` does not say. */
export async function readWorkers(url: string): Promise<number | null> {
  return workersIn(await info('the service', url));
}

function workersIn(answer: Info): number | null {
  return typeof answer.workers === 'number' &&
    Number.isInteger(answer.workers) &&
    answer.workers > 0
    ? answer.workers
    : null;
}

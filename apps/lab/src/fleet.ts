import { appEntry, spawnService, type ServiceHandle } from '@concurrency-lab/service-kit';
import type { ModelName } from './lab-options';

export const MODEL_APPS: Record<ModelName, string> = {
  async: 'async-service',
  threads: 'threads-service',
  cluster: 'cluster-service',
};

export interface RunningModel {
  model: ModelName;
  handle: ServiceHandle;
}

/**
 * The processes of one lab run: the upstream site and every model service, on free ports with
 * the same WORKERS. `stop` is idempotent and is also what Ctrl-C runs, so no process outlives
 * the lab.
 */
export class Fleet {
  upstream: ServiceHandle | undefined;
  readonly models: RunningModel[] = [];
  #stopping: Promise<void> | undefined;

  async start(options: {
    models: ModelName[];
    workers: number;
    upstreamPages: number;
    upstreamLatencyMs: number;
  }) {
    this.upstream = await spawnService(appEntry('upstream'), {
      env: {
        UPSTREAM_PAGES: String(options.upstreamPages),
        UPSTREAM_LATENCY_MS: String(options.upstreamLatencyMs),
      },
    });
    for (const model of options.models) {
      const handle = await spawnService(appEntry(MODEL_APPS[model]), {
        env: {
          WORKERS: String(options.workers),
          UPSTREAM_URL: this.upstream.url,
          // The lab measures capacity: its own load must not be shed by the default bound.
          MAX_QUEUE: '100000',
          LOG_LEVEL: 'info',
        },
      });
      this.models.push({ model, handle });
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const all = [...this.models.map((m) => m.handle), ...(this.upstream ? [this.upstream] : [])];
      await Promise.all(all.map((h) => h.stop('SIGTERM', 10_000)));
    })();
    return this.#stopping;
  }
}

import { appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';

/**
 * procpool-service launched with `env`, `body` run against it, then stopped — and the stop must
 * be clean (exit 0): whatever a test did to its pool, the service drains and leaves as usual.
 */
export async function withProcpool(
  env: Record<string, string>,
  body: (service: ServiceProcess) => Promise<void>,
): Promise<void> {
  const service = await launch(appEntry('procpool-service'), { env });
  try {
    await body(service);
  } finally {
    expect(await service.stop()).toEqual({ code: 0, signal: null });
  }
}

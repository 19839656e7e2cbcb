import { isDeepStrictEqual } from 'node:util';
import { appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';

const CLEAN_EXIT = { code: 0, signal: null };

/**
 * procpool-service launched with `env`, `body` run against it, then stopped — and the stop must
 * be clean (exit 0): whatever a test did to its pool, the service drains and leaves as usual.
 * If `body` fails, the service is still stopped, but the body's error is the one thrown: it is
 * the first failure, and an unclean stop after it is only logged.
 */
export async function withProcpool(
  env: Record<string, string>,
  body: (service: ServiceProcess) => Promise<void>,
): Promise<void> {
  const service = await launch(appEntry('procpool-service'), { env });
  try {
    await body(service);
  } catch (error) {
    const status = await service.stop();
    if (!isDeepStrictEqual(status, CLEAN_EXIT)) {
      console.error(
        `procpool-service also stopped unclean after the failure: ${JSON.stringify(status)}`,
      );
    }
    throw error;
  }
  expect(await service.stop()).toEqual(CLEAN_EXIT);
}

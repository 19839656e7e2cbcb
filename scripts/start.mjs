// `npm start` until the lab (the side-by-side comparison) lands: starts the upstream site and
// every model service that exists on their contract ports, prints where they are, and stops
// them all on Ctrl-C. Ports: UPSTREAM_PORT (3100), ASYNC_PORT (3001).
import { appEntry, spawnService } from '@concurrency-lab/service-kit';

const services = [];
let stopping = false;
const stopAll = async (code) => {
  if (stopping) return;
  stopping = true;
  await Promise.all(services.map((s) => s.stop()));
  process.exit(code);
};
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

try {
  const upstream = await spawnService(appEntry('upstream'), {
    env: { PORT: process.env.UPSTREAM_PORT ?? '3100' },
  });
  services.push(upstream);
  const asyncService = await spawnService(appEntry('async-service'), {
    env: { PORT: process.env.ASYNC_PORT ?? '3001', UPSTREAM_URL: upstream.url },
  });
  services.push(asyncService);
  console.log(`
concurrency-lab is running (Ctrl-C stops everything)

  upstream       ${upstream.url}            (pages for /io/scrape)
  async-service  ${asyncService.url}/info   (one event loop)

Try:
  curl '${asyncService.url}/cpu/fib?n=30'
  curl '${asyncService.url}/io/scrape?pages=10'
  curl -X POST '${asyncService.url}/counter/increment?times=100000&safe=false'
  curl '${asyncService.url}/metrics'
`);
  for (const s of services) {
    void s.exited.then((status) => {
      if (stopping) return;
      console.error(
        `a service exited unexpectedly (${JSON.stringify(status)}):\n${s.output().slice(-2000)}`,
      );
      void stopAll(1);
    });
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stopAll(1);
}

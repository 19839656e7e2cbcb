// `npm run start:all`: starts the upstream site and
// every model service on their contract ports, prints where they are, and stops them all on
// Ctrl-C. Ports: UPSTREAM_PORT (3100), ASYNC_PORT (3001), THREADS_PORT (3002), CLUSTER_PORT (3003).
import { appEntry, spawnService } from '@concurrency-lab/service-kit';

const MODELS = [
  { app: 'async-service', port: process.env.ASYNC_PORT ?? '3001', what: 'one event loop' },
  { app: 'threads-service', port: process.env.THREADS_PORT ?? '3002', what: 'worker_threads pool' },
  {
    app: 'cluster-service',
    port: process.env.CLUSTER_PORT ?? '3003',
    what: 'node:cluster processes',
  },
];

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
  const started = [];
  for (const m of MODELS) {
    const service = await spawnService(appEntry(m.app), {
      env: { PORT: m.port, UPSTREAM_URL: upstream.url },
    });
    services.push(service);
    started.push({ ...m, url: service.url });
  }
  const [first] = started;
  console.log(`
concurrency-lab is running (Ctrl-C stops everything)

  upstream         ${upstream.url}   (pages for /io/scrape)
${started.map((s) => `  ${s.app.padEnd(16)} ${s.url}   (${s.what})`).join('\n')}

Try the same request on each model:
  curl '${first.url}/cpu/fib?n=30'
  curl '${first.url}/io/scrape?pages=10'
  curl -X POST '${first.url}/counter/increment?times=1000000&safe=false'
  curl '${first.url}/metrics'
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

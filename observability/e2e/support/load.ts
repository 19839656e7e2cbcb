/**
 * Bounded load over the contract's routes, with plain fetch: every series a dashboard panel
 * reads must exist, so each route family is exercised, the shared counter raced (safe and
 * unsafe), bad requests sent, and a burst fired past MAX_QUEUE so that requests are shed.
 */

/** One model's requests, sent one after another (the stack runs with a small MAX_QUEUE). */
const SEQUENCE: { method: string; path: string; times: number }[] = [
  { method: 'GET', path: '/cpu/fib?n=20', times: 8 },
  { method: 'GET', path: '/cpu/primes?limit=200000', times: 3 },
  { method: 'GET', path: '/image/filter?filter=blur&size=64', times: 3 },
  { method: 'GET', path: '/io/sleep?ms=5', times: 8 },
  { method: 'GET', path: '/io/scrape?pages=3', times: 3 },
  { method: 'GET', path: '/mixed?ms=5&n=15', times: 3 },
  { method: 'POST', path: '/counter/increment?times=2000&safe=true', times: 2 },
  { method: 'POST', path: '/counter/increment?times=2000&safe=false', times: 2 },
  { method: 'GET', path: '/counter', times: 1 },
  { method: 'DELETE', path: '/counter', times: 1 },
  { method: 'GET', path: '/cpu/fib?n=99', times: 1 }, // 400
  { method: 'GET', path: '/no/such/route', times: 1 }, // 404
];

/** status → how many answers had it */
export type StatusCounts = Record<string, number>;

async function send(url: string, method: string, counts: StatusCounts): Promise<void> {
  const response = await fetch(url, { method, signal: AbortSignal.timeout(15_000) });
  await response.arrayBuffer();
  counts[response.status] = (counts[response.status] ?? 0) + 1;
}

/** The sequence once, then `burst` concurrent slow requests to overflow MAX_QUEUE. */
export async function driveLoad(baseUrl: string, burst: number): Promise<StatusCounts> {
  const counts: StatusCounts = {};
  for (const step of SEQUENCE) {
    for (let i = 0; i < step.times; i++) await send(`${baseUrl}${step.path}`, step.method, counts);
  }
  await Promise.all(
    Array.from({ length: burst }, () => send(`${baseUrl}/io/sleep?ms=300`, 'GET', counts)),
  );
  return counts;
}

/**
 * A light steady load (CPU, I/O, the locked counter and the fetch queue, one request at a time
 * per model) so that rate() and
 * histogram_quantile() over the last seconds have samples while the dashboards are queried.
 */
export function startTrickle(baseUrls: readonly string[]): { stop(): Promise<void> } {
  let running = true;
  const loops = baseUrls.map(async (baseUrl): Promise<unknown> => {
    const counts: StatusCounts = {};
    try {
      while (running) {
        await send(`${baseUrl}/cpu/fib?n=15`, 'GET', counts);
        await send(`${baseUrl}/io/sleep?ms=2`, 'GET', counts);
        // The lock and queue panels need fresh waits and holds too. Few increments: in the
        // process models the counter's lock is held while every increment makes a round trip
        // to the process that holds the value (500 of them: 0.2-0.5 s a hold with three CPU
        // hogs here), and a hold still running at query time is a release the window lacks.
        await send(`${baseUrl}/counter/increment?times=40&safe=true`, 'POST', counts);
        await send(`${baseUrl}/io/scrape?pages=2`, 'GET', counts);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return undefined;
    } catch (error) {
      return error; // kept for stop(): a rejection nobody awaits yet would crash the run
    }
  });
  return {
    stop: async () => {
      running = false;
      const failure = (await Promise.all(loops)).find((e) => e !== undefined);
      if (failure !== undefined) throw failure as unknown; // what the first failed loop threw
    },
  };
}

import {
  Fleet,
  LaunchArgumentError,
  portOverridesFromEnv,
  startInterruptibly,
} from '@concurrency-lab/launcher';
import { MODELS, UPSTREAM } from '@concurrency-lab/models';
import { commandOptions } from './command-options';
import { parseCommandArgs } from './option-schemas';
import { fail, isPlainError, refuse } from './refuse';

export const UP_USAGE = `Usage: lab up

Starts upstream and every model service on their contract ports (the README's), prints where
they are, and stops them all on Ctrl-C. A port is overridden by <MODEL>_PORT (e.g. ASYNC_PORT)
or UPSTREAM_PORT; WORKERS and the other service variables pass through.`;

/** The hint after a start that failed on a port in use. */
export const PORT_TAKEN = `A port is taken: stop what holds it, or move the service with <MODEL>_PORT (e.g. ASYNC_PORT=3011, or 0 for any free port) or UPSTREAM_PORT.\n`;

/**
 * A start that failed on a port in use, said in two lines and the hint: the launcher's line (which
 * service, how it exited) and the service's own words about the port. The service's output — its
 * stack trace, the error's fields — is left out: the port is the whole story, and the hint says
 * what to do about it. Any other failure is said with all the service printed (`undefined`).
 */
export function portTakenText(error: unknown): string | undefined {
  const { code, message = '' } = error as { code?: string; message?: string };
  const [first = '', ...printed] = message.split('\n');
  // The service's message, not a stack frame nor a JSON log line around it: `listen
  // EADDRINUSE: address already in use 127.0.0.1:3001`, as it printed it.
  const words = /[^\n"]*EADDRINUSE[^\n"]*/.exec(printed.join('\n'))?.[0].trim();
  if (words === undefined) return undefined;
  return `${code ? `${code}: ` : ''}${first}\n${words}\n\n${PORT_TAKEN}`;
}

/** `lab up` takes no option but `--help`. */
function parseUpOptions(argv: string[]): object | 'help' {
  const { values } = parseCommandArgs(argv, { help: { type: 'boolean', short: 'h' } });
  return values['help'] ? 'help' : {};
}

/** `npm run start:all`: the whole fleet in the foreground, until Ctrl-C. */
export async function up(argv: string[]): Promise<number> {
  const options = commandOptions(argv, parseUpOptions, UP_USAGE);
  if (typeof options === 'number') return options;
  let portOverrides: Record<string, number>;
  try {
    // `ASYNC_PORT=abc` is the user's to fix, as an option is: its code, exit 2, no stack.
    portOverrides = portOverridesFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof LaunchArgumentError)) throw error;
    return refuse(error);
  }
  // Ctrl-C (or SIGTERM) is handled from before the first service spawns: during the start it
  // aborts the start, which stops what already started; after it, it stops the fleet.
  const run = startInterruptibly(
    (signal) =>
      Fleet.start({
        ports: 'contract',
        portOverrides,
        signal,
        onUnexpectedExit: (service, status) => {
          process.stderr.write(
            `${service.name} exited unexpectedly (${JSON.stringify(status)}):\n${service.output().slice(-2000)}\n`,
          );
          run.stop().then(
            () => process.exit(1),
            () => process.exit(1),
          );
        },
      }),
    () => process.exit(0),
  );
  let fleet: Awaited<typeof run.started>;
  try {
    fleet = await run.started;
  } catch (error) {
    // A service that would not start (its port taken, a bad variable): said plainly, with what
    // it printed — only its words about the port, and how to move it, when a port was the
    // reason — never the lab's stack.
    if (!isPlainError(error)) throw error;
    const portTaken = portTakenText(error);
    if (portTaken === undefined) return fail(error);
    process.stderr.write(portTaken);
    return 1;
  }
  // Stopped before it was up (a signal): the signal's handler ends the process.
  if (!fleet) return new Promise<number>(() => undefined);
  const first = fleet.models[0]?.service.url ?? '';
  const rows = fleet.models.map(({ app, model, service }) => {
    const summary = MODELS.find((m) => m.model === model)?.summary ?? '';
    return `  ${app.padEnd(16)} ${service.url}   (${summary.replace(/`/g, '')})`;
  });
  process.stdout.write(`
concurrency-lab is running (Ctrl-C stops everything)

  ${UPSTREAM.app.padEnd(16)} ${fleet.upstream?.url ?? ''}   (pages for /io/scrape)
${rows.join('\n')}

Try the same request on each model:
  curl '${first}/cpu/fib?n=30'
  curl '${first}/io/scrape?pages=10'
  curl -X POST '${first}/counter/increment?times=1000000&safe=false'
  curl '${first}/metrics'
`);
  // Runs until a signal (or an unexpected exit) ends the process.
  return new Promise<number>(() => undefined);
}

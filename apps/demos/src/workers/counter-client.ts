/**
 * A cluster worker of the `manager` demo: increments the counter the primary holds, through
 * messages, `increments` times. `get-then-set` asks for the value and sends back value + 1
 * (two round trips: another worker can slip in between); `increment` asks the primary to add
 * one (one atomic step, since the primary handles one message at a time).
 */
import type { CounterReply, CounterRequest, ClientCommand } from '../cluster-counter-protocol';

let nextId = 0;
const pending = new Map<number, (value: number) => void>();

function call(request: Omit<CounterRequest, 'id'>): Promise<number> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    process.send?.({ ...request, id } satisfies CounterRequest);
  });
}

async function run({ mode, increments }: ClientCommand): Promise<void> {
  for (let i = 0; i < increments; i++) {
    if (mode === 'get-then-set') {
      const value = await call({ op: 'get' });
      await call({ op: 'set', value: value + 1 });
    } else {
      await call({ op: 'increment' });
    }
  }
  process.send?.({ done: true });
}

process.on('message', (message: CounterReply | ClientCommand) => {
  if ('run' in message) {
    run(message).catch((error: unknown) => {
      process.send?.({ failed: String(error) });
    });
  } else {
    pending.get(message.id)?.(message.value);
    pending.delete(message.id);
  }
});
process.send?.({ ready: true });

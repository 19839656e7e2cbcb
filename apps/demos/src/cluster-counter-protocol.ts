/** Messages between the `manager` demo's primary and its cluster workers. */

export type CounterMode = 'get-then-set' | 'increment';

/** Primary → worker: start incrementing. */
export interface ClientCommand {
  run: true;
  mode: CounterMode;
  increments: number;
}

/** Worker → primary: one operation on the counter. */
export interface CounterRequest {
  id: number;
  op: 'get' | 'set' | 'increment';
  value?: number;
}

/** Primary → worker: the counter's value after the operation. */
export interface CounterReply {
  id: number;
  value: number;
}

import { EventEmitter } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import type { IpcPort } from '../../src/rpc-endpoint';

/** Adapts a real MessagePort to the `send`/`message` shape of an IPC channel. */
export function ipcPort(port: MessagePort): IpcPort {
  const events = new EventEmitter();
  port.on('message', (message) => events.emit('message', message));
  return {
    send: (message) => {
      port.postMessage(message);
      return true;
    },
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
  };
}

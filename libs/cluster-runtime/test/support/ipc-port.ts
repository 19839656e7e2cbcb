import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { RpcEndpoint, type IpcPort } from '../../src/rpc-endpoint';

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

/** Two RPC endpoints talking over a real MessageChannel; `close()` ends both and the channel. */
export function endpointPair(): { a: RpcEndpoint; b: RpcEndpoint; close: () => void } {
  const channel = new MessageChannel();
  const a = new RpcEndpoint(ipcPort(channel.port1));
  const b = new RpcEndpoint(ipcPort(channel.port2));
  return {
    a,
    b,
    close: () => {
      a.close();
      b.close();
      channel.port1.close();
    },
  };
}

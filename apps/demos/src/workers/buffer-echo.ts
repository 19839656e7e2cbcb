/**
 * The thread of the `shared-memory` demo: takes a buffer, changes its first byte, and hands
 * it back — by copy, by transfer, or (shared memory) by saying it is done.
 */
import { parentPort } from 'node:worker_threads';

export type BufferMessage =
  | { way: 'copy' | 'transfer'; data: Uint8Array<ArrayBuffer> }
  | { way: 'shared'; shared: SharedArrayBuffer };

parentPort?.on('message', (message: BufferMessage) => {
  if (message.way === 'shared') {
    Atomics.add(new Uint8Array(message.shared), 0, 1);
    parentPort?.postMessage({ way: 'shared' });
  } else {
    const { data } = message;
    data[0] = ((data[0] ?? 0) + 1) & 0xff;
    if (message.way === 'transfer')
      parentPort?.postMessage({ way: 'transfer', data }, [data.buffer]);
    else parentPort?.postMessage({ way: 'copy', data });
  }
});
parentPort?.postMessage('ready');

import { Peer } from '../../src/peer';

/**
 * Counts the threads and processes a demo starts through `Peer` from here on (a spy: restore it
 * with `jest.restoreAllMocks()`). `running()` read right after `run` resolved must be 0: a demo
 * closes every peer it starts before it gives its result, whatever failed.
 */
export function trackPeers(): { started: () => number; running: () => number } {
  const open = new Set<Peer>();
  let started = 0;
  const track = (peer: Peer): Peer => {
    started++;
    open.add(peer);
    void peer.exited.then(() => open.delete(peer));
    return peer;
  };
  const thread = Peer.thread.bind(Peer);
  const child = Peer.process.bind(Peer);
  jest.spyOn(Peer, 'thread').mockImplementation((...args) => track(thread(...args)));
  jest.spyOn(Peer, 'process').mockImplementation((...args) => track(child(...args)));
  return { started: () => started, running: () => open.size };
}

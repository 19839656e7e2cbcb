import { networkInterfaces } from 'node:os';

/**
 * True when `url` points at this machine (loopback or one of its own addresses): a load
 * generator driving it shares the cores it measures.
 */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || host.startsWith('127.')) return true;
  return Object.values(networkInterfaces())
    .flat()
    .some((address) => address?.address === host);
}

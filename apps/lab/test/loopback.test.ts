import { hostname, networkInterfaces } from 'node:os';
import { isLoopback } from '../src/loopback';

/** This machine's interface addresses, as networkInterfaces() spells them. */
const own = Object.values(networkInterfaces())
  .flat()
  .flatMap((a) => (a ? [a.address] : []));

describe('whether a target is on this machine (the "shared the cores" caveat)', () => {
  it.each([
    ['its own hostname', `http://${hostname()}:3001/`],
    ['localhost', 'http://localhost:3001/'],
    ['a loopback address', 'http://127.0.0.2:3001/'],
    ['IPv6 loopback', 'http://[::1]:3001/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:3001/'],
    ['the unspecified IPv4 address', 'http://0.0.0.0:3001/'],
    ['the unspecified IPv6 address', 'http://[::]:3001/'],
  ])('is: %s (%s)', async (_what, url) => {
    expect(await isLoopback(url)).toBe(true);
  });

  it('is: each address of its interfaces', async () => {
    expect(own.length).toBeGreaterThan(0);
    for (const address of own) {
      const url = address.includes(':') ? `http://[${address}]:3001/` : `http://${address}:3001/`;
      expect([address, await isLoopback(url)]).toEqual([address, true]);
    }
  });

  it('is not: an address elsewhere, or a name that resolves to nothing (the controls)', async () => {
    const elsewhere = '198.51.100.7'; // TEST-NET-2: documentation only, never a host's
    expect(own).not.toContain(elsewhere);
    expect(await isLoopback(`http://${elsewhere}:3001/`)).toBe(false);
    expect(await isLoopback('http://[2001:db8::7]:3001/')).toBe(false);
    expect(await isLoopback('http://no-such-host.invalid:3001/')).toBe(false);
  });
});

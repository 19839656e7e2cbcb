import { lookup } from 'node:dns/promises';
import { BlockList } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * This machine's addresses as a BlockList: loopback (127.0.0.0/8, ::1), the unspecified
 * addresses (0.0.0.0, ::: a connection to them reaches this machine), and every address of its
 * interfaces, read now. A BlockList compares addresses, not spellings, and matches an
 * IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, which a URL spells `[::ffff:7f00:1]`) against
 * the IPv4 rules.
 */
function thisMachine(): BlockList {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  list.addAddress('0.0.0.0', 'ipv4');
  list.addAddress('::', 'ipv6');
  for (const address of Object.values(networkInterfaces()).flat()) {
    if (address) list.addAddress(address.address, address.family === 'IPv6' ? 'ipv6' : 'ipv4');
  }
  return list;
}

/**
 * True when `url` points at this machine: a load generator driving it shares the cores it
 * measures. The host is resolved (every address it has), since a name says nothing by itself:
 * the machine's own hostname resolves to loopback or to one of its interfaces, and comparing the
 * name `vm` with addresses lost the "shared the cores" caveat. A host with any address here
 * counts — the caveat is the safe side — and one that does not resolve does not (connecting to
 * it fails the run before any figure is made).
 */
export async function isLoopback(url: string): Promise<boolean> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return false;
  }
  const local = thisMachine();
  return addresses.some(({ address, family }) =>
    local.check(address, family === 6 ? 'ipv6' : 'ipv4'),
  );
}

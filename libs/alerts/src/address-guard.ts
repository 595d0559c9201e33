import { LookupAddress, LookupAllOptions, lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must never reach unless WEBHOOK_ALLOW_PRIVATE: loopback, private,
 * link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT, multicast and
 * reserved ranges. Otherwise an admin's URL would let the service probe its own network.
 */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** True when `ip` (v4, v6, or v4-mapped v6) is loopback, private or otherwise not public. */
export function isPrivateAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  const family = isIP(ip);
  if (family === 4) return PRIVATE.check(ip, 'ipv4');
  if (family === 6) return PRIVATE.check(ip, 'ipv6');
  return true;
}

export class AddressNotAllowedError extends Error {
  constructor(readonly reason: 'private' | 'unresolvable') {
    super(reason === 'private' ? 'webhook address is not public' : 'webhook host does not resolve');
  }
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    lookup(host, { all: true } as LookupAllOptions, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );
}

/** Resolves `url`'s host and refuses it when any address is not public (a host with one private address is refused). */
export async function assertPublicUrl(url: URL, allowPrivate: boolean): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookupAll(host)).map((a) => a.address);
    } catch {
      throw new AddressNotAllowedError('unresolvable');
    }
  }
  if (addresses.length === 0) throw new AddressNotAllowedError('unresolvable');
  if (!allowPrivate && addresses.some(isPrivateAddress)) throw new AddressNotAllowedError('private');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that checks the address it actually connects to, so a name
 * that resolved to a public address at registration cannot be re-pointed inward later
 * (DNS rebinding): the check and the connection use the same answer.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
      if (err) return callback(err, options.all ? [] : '');
      const bad = !allowPrivate && addresses.some((a) => isPrivateAddress(a.address));
      if (bad || addresses.length === 0) {
        return callback(new AddressNotAllowedError(bad ? 'private' : 'unresolvable'), options.all ? [] : '');
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

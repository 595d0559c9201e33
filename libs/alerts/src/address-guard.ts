import { LookupAddress, LookupAllOptions, lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ipv6Groups, mappedIpv4 } from '@phananh/core';

/**
 * Addresses a webhook must never reach unless WEBHOOK_ALLOW_PRIVATE: loopback, private,
 * link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT, multicast and
 * reserved ranges. Otherwise an admin's URL would let the service probe its own network.
 * IPv6 ranges that carry an IPv4 address inside them, which a translator or tunnel on the
 * path could turn into that IPv4 address, are refused whole: NAT64 (64:ff9b::/96 and the
 * local-use 64:ff9b:1::/48), the deprecated IPv4-compatible ::/96, 6to4 (2002::/16) and
 * Teredo (2001::/32). An IPv4-mapped address (::ffff:a.b.c.d, or its hex spelling
 * ::ffff:7f00:1 that URL parsers produce) is judged as the IPv4 address it stands for.
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
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2001::', 32],
  ['2002::', 16],
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
  if (isIP(ip) === 4) return PRIVATE.check(ip, 'ipv4');
  const groups = ipv6Groups(ip);
  if (!groups) return true;
  const v4 = mappedIpv4(groups);
  if (v4) return PRIVATE.check(v4, 'ipv4');
  return PRIVATE.check(groups.map((g) => g.toString(16)).join(':'), 'ipv6');
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

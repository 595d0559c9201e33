import { isIP } from 'node:net';

/** An address without its zone (`fe80::1%eth0` → `fe80::1`). */
function withoutZone(ip: string): string {
  const zone = ip.indexOf('%');
  return zone < 0 ? ip : ip.slice(0, zone);
}

/**
 * The eight 16-bit groups of an IPv6 address in any of its spellings (`::` anywhere, a
 * dotted IPv4 tail, leading zeros, upper case, a zone); null for anything that is not one.
 */
export function ipv6Groups(ip: string): number[] | null {
  const bare = withoutZone(ip).toLowerCase();
  if (isIP(bare) !== 6) return null;
  let text = bare;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const octets = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const sides = text.split('::');
  const left = sides[0] ? sides[0].split(':') : [];
  const right = sides.length === 2 && sides[1] ? sides[1].split(':') : [];
  const fill = sides.length === 2 ? 8 - left.length - right.length : 0;
  const groups = [...left, ...new Array<string>(fill).fill('0'), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:0:0/96`, dotted or hex: `::ffff:7f00:1`) stands for; else null. */
export function mappedIpv4(groups: readonly number[]): string | null {
  if (groups.length !== 8 || groups.slice(0, 5).some((g) => g !== 0) || groups[5] !== 0xffff) return null;
  return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
}

/**
 * Who a per-address rate limit counts: an IPv4 address as it is (an IPv4-mapped IPv6
 * address as its IPv4 address), an IPv6 address by its /64 prefix — one subscriber line or
 * host usually holds a whole /64 and can draw a fresh address from it for every request.
 * `::1` stays itself; anything unreadable is counted under its own text.
 */
export function rateLimitClientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const bare = withoutZone(ip);
  if (isIP(bare) === 4) return bare;
  const groups = ipv6Groups(bare);
  if (!groups) return ip;
  const v4 = mappedIpv4(groups);
  if (v4) return v4;
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return '::1';
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

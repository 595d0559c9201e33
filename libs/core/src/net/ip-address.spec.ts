import { ipv6Groups, mappedIpv4, rateLimitClientKey } from './ip-address';

describe('ipv6Groups', () => {
  it.each([
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['2001:DB8::8:800:200C:417A', [0x2001, 0xdb8, 0, 0, 0x8, 0x800, 0x200c, 0x417a]],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ['::ffff:127.0.0.1', [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ['::ffff:7f00:1', [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ['64:ff9b::10.0.0.1', [0x64, 0xff9b, 0, 0, 0, 0, 0x0a00, 1]],
    ['fe80::1%eth0', [0xfe80, 0, 0, 0, 0, 0, 0, 1]],
    ['1::', [1, 0, 0, 0, 0, 0, 0, 0]],
  ])('reads %s', (ip, groups) => {
    expect(ipv6Groups(ip)).toEqual(groups);
  });

  it.each(['127.0.0.1', '1:2:3', '1::2::3', 'g::1', '', 'localhost', '::ffff:300.0.0.1'])('refuses %s', (ip) => {
    expect(ipv6Groups(ip)).toBeNull();
  });

  it('finds the IPv4 address of a mapped one, in either spelling, and of nothing else', () => {
    expect(mappedIpv4(ipv6Groups('::ffff:10.1.2.3')!)).toBe('10.1.2.3');
    expect(mappedIpv4(ipv6Groups('0:0:0:0:0:FFFF:0A01:0203')!)).toBe('10.1.2.3');
    expect(mappedIpv4(ipv6Groups('::10.1.2.3')!)).toBeNull();
    expect(mappedIpv4(ipv6Groups('1::ffff:a01:203')!)).toBeNull();
  });
});

describe('rateLimitClientKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(rateLimitClientKey('203.0.113.9')).toBe('203.0.113.9');
  });

  it('counts an IPv4-mapped address as its IPv4 address, dotted or hex', () => {
    expect(rateLimitClientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitClientKey('::ffff:cb00:7109')).toBe('203.0.113.9');
  });

  it('counts every address of one /64 as one client, whatever its spelling', () => {
    const keys = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:abcd::9',
      '2001:db8:1:2:a:b:c:d%eth0',
    ].map(rateLimitClientKey);
    expect(new Set(keys)).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('tells neighbouring /64s apart', () => {
    expect(rateLimitClientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(rateLimitClientKey('2001:db8:1:3::1')).not.toBe(rateLimitClientKey('2001:db8:1:2::1'));
    expect(rateLimitClientKey('2001:db8:0:0:1::1')).toBe('2001:db8:0:0::/64');
  });

  it('keeps loopback apart, and counts what it cannot read under its own text', () => {
    expect(rateLimitClientKey('::1')).toBe('::1');
    expect(rateLimitClientKey(undefined)).toBe('unknown');
    expect(rateLimitClientKey('')).toBe('unknown');
    expect(rateLimitClientKey('not-an-address')).toBe('not-an-address');
  });
});

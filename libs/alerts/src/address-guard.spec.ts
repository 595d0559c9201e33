import { AddressNotAllowedError, assertPublicUrl, isPrivateAddress } from './address-guard';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook address guard', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not-an-address',
    // IPv4-mapped, in the hex spelling that URL parsers produce ([::ffff:127.0.0.1] → [::ffff:7f00:1]).
    '::ffff:7f00:1',
    '::FFFF:7F00:0001',
    '0:0:0:0:0:ffff:a9fe:a9fe', // 169.254.169.254
    '::ffff:a00:1',
    // NAT64: well-known prefix and local-use 64:ff9b:1::/48, whatever IPv4 address they carry.
    '64:ff9b::8.8.8.8',
    '64:ff9b::a00:1',
    '64:ff9b:1::1',
    '64:ff9b:1:ffff::7f00:1',
    '64:ff9b:1:abcd:ef::8.8.8.8',
    // IPv4-compatible ::/96 (deprecated), public or not.
    '::127.0.0.1',
    '::7f00:1',
    '::8.8.8.8',
    '::a9fe:a9fe',
    // 6to4 2002::/16, which carries an IPv4 address in its second and third groups.
    '2002:7f00:1::1',
    '2002:0808:0808::1',
    '2002::',
    // Teredo and IPv4-translated, two more wrappings of an IPv4 address.
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '::ffff:0:7f00:1',
    'fe80::1%eth0',
  ])('refuses %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '203.162.4.190',
    '172.32.0.1',
    '192.169.0.1',
    '2001:4860:4860::8888',
    '2404:6800:4005:80a::200e',
    '2a03:2880:f12f:83:face:b00c:0:25de',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9a::1', // next to NAT64, outside it
    '64:ff9b:2::1',
    '2003::1', // next to 6to4, outside it
    '2001:1::1', // next to Teredo, outside it
  ])('accepts %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  it('refuses the hex IPv4-mapped form a URL parser makes of a bracketed mapped address', async () => {
    const url = new URL('http://[::ffff:127.0.0.1]:8080/hook');
    expect(url.hostname).toBe('[::ffff:7f00:1]');
    await expect(assertPublicUrl(url, false)).rejects.toMatchObject({ reason: 'private' });
    await expect(assertPublicUrl(new URL('http://[64:ff9b:1::a00:1]/x'), false)).rejects.toMatchObject({
      reason: 'private',
    });
    await expect(assertPublicUrl(new URL('http://[2002:a00:1::1]/x'), false)).rejects.toMatchObject({
      reason: 'private',
    });
    await expect(assertPublicUrl(new URL('http://[::a00:1]/x'), false)).rejects.toMatchObject({ reason: 'private' });
    await expect(assertPublicUrl(new URL('http://[2001:4860:4860::8888]/x'), false)).resolves.toBeUndefined();
  });

  it('checks literal addresses without resolving, and names resolved to loopback', async () => {
    await expect(assertPublicUrl(new URL('http://[::1]:8080/x'), false)).rejects.toEqual(
      new AddressNotAllowedError('private'),
    );
    await expect(assertPublicUrl(new URL('http://localhost/x'), false)).rejects.toMatchObject({ reason: 'private' });
    await expect(assertPublicUrl(new URL('http://localhost/x'), true)).resolves.toBeUndefined();
    await expect(assertPublicUrl(new URL('https://8.8.8.8/x'), false)).resolves.toBeUndefined();
    await expect(assertPublicUrl(new URL('https://host.invalid/x'), true)).rejects.toMatchObject({
      reason: 'unresolvable',
    });
  });
});

describe('webhook signature', () => {
  it('is the hex HMAC-SHA256 of the raw body, and only the same secret and body verify', () => {
    // RFC 4231 test case 2.
    expect(signWebhookBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    const header = signWebhookBody('s3cret', '{"a":1}');
    expect(verifyWebhookSignature('s3cret', '{"a":1}', header)).toBe(true);
    expect(verifyWebhookSignature('s3cret', '{"a": 1}', header)).toBe(false);
    expect(verifyWebhookSignature('other', '{"a":1}', header)).toBe(false);
    expect(verifyWebhookSignature('s3cret', '{"a":1}', undefined)).toBe(false);
  });
});

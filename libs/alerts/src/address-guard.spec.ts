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
  ])('refuses %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each(['8.8.8.8', '203.162.4.190', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    'accepts %s',
    (ip) => {
      expect(isPrivateAddress(ip)).toBe(false);
    },
  );

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

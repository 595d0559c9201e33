import { scrubPersonalData } from '@phananh/core';
import { normalizeClientAddress } from './audit-entry';

describe('audit entries', () => {
  it('keeps an address PostgreSQL can store, drops an IPv6 zone, and nulls anything else', () => {
    expect(normalizeClientAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeClientAddress('::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1');
    expect(normalizeClientAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeClientAddress('2001:db8::1')).toBe('2001:db8::1');
    for (const bad of [undefined, null, '', 'unknown', '300.1.1.1', "1.2.3.4'; DROP TABLE audit_log"]) {
      expect(normalizeClientAddress(bad)).toBeNull();
    }
  });

  it('masks identity and phone numbers in a query at any depth (as the logs do), and leaves the rest as it was', () => {
    const query = {
      campaign: 'CCCD 001090012345',
      phones: ['0912345678', '+84912345678'],
      nested: { cmnd: '123456789', unitCode: '00001' },
      cursor: true,
      limit: 50,
      status: 'ASSIGNED',
      none: null,
    };
    expect(scrubPersonalData(query)).toEqual({
      campaign: 'CCCD [redacted]',
      phones: ['[redacted]', '[redacted]'],
      nested: { cmnd: '[redacted]', unitCode: '00001' },
      cursor: true,
      limit: 50,
      status: 'ASSIGNED',
      none: null,
    });
  });
});

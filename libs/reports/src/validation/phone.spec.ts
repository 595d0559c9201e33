import { normalizeMobile } from './phone';

describe('normalizeMobile', () => {
  it.each([
    ['0912345678', '+84912345678'],
    ['+84912345678', '+84912345678'],
    ['0912 345 678', '+84912345678'],
    ['+84 912.345.678', '+84912345678'],
    ['(091) 234-5678', '+84912345678'],
    ['0321234567', '+84321234567'],
    ['0391234567', '+84391234567'],
    ['0521234567', '+84521234567'],
    ['0591234567', '+84591234567'],
    ['0701234567', '+84701234567'],
    ['0761234567', '+84761234567'],
    ['0791234567', '+84791234567'],
    ['0811234567', '+84811234567'],
    ['0891234567', '+84891234567'],
    ['0901234567', '+84901234567'],
    ['0991234567', '+84991234567'],
  ])('accepts the mobile number %s as %s', (input, stored) => {
    expect(normalizeMobile(input)).toEqual({ phone: stored });
  });

  it.each([
    ['02438251234', 'a Hà Nội landline'],
    ['+842838251234', 'a Hồ Chí Minh City landline in international form'],
    ['0236 3821 234', 'a Đà Nẵng landline with spaces'],
    ['0311234567', 'an unassigned 031 prefix'],
    ['0501234567', 'an unassigned 050 prefix'],
    ['0711234567', 'an unassigned 071 prefix'],
    ['0801234567', 'an unassigned 080 prefix'],
    ['0123456789', 'an old 012 prefix written in 10 digits'],
  ])('refuses %s (%s) as not a mobile number', (input) => {
    expect(normalizeMobile(input)).toEqual({ problem: 'PHONE_NOT_MOBILE' });
  });

  it.each([
    '',
    '091234567',
    '09123456789',
    '84912345678',
    '+8491234567',
    '+1 202 555 0100',
    '0912-345-67a',
    '01234567890',
    '+84+912345678',
  ])('refuses %j as not a Vietnamese number', (input) => {
    expect(normalizeMobile(input)).toEqual({ problem: 'PHONE_FORMAT' });
  });
});

import type { ReferenceService, Unit } from '@phananh/reference';
import type { AuthUser } from './auth-user';
import {
  adminReach,
  isNationalAdmin,
  narrowScope,
  reachScope,
  reachSql,
  scopeContains,
  scopeHasUnit,
  unitInReach,
  unitScopeSql,
} from './reach';
import { Role } from './role';

/** A hand-written slice of the unit tree: Hà Nội → Ba Đình → Phúc Xá, Trúc Bạch; Hoàn Kiếm → Phúc Tân; HCMC. */
const UNITS: Unit[] = [
  ['01', 'province', null, '01/'],
  ['001', 'district', '01', '01/001/'],
  ['00001', 'ward', '001', '01/001/00001/'],
  ['00004', 'ward', '001', '01/001/00004/'],
  ['002', 'district', '01', '01/002/'],
  ['00037', 'ward', '002', '01/002/00037/'],
  ['79', 'province', null, '79/'],
].map(([code, level, parentCode, path]) => ({
  code: code!,
  name: code!,
  type: '',
  level: level as Unit['level'],
  parentCode,
  provinceCode: path!.slice(0, 2),
  districtCode: level === 'province' ? null : path!.slice(3, 6),
  path: path!,
}));
const byCode = new Map(UNITS.map((u) => [u.code, u]));
const reference = {
  unit: (code: string) => byCode.get(code),
  isWithin: (code: string, ancestor: string) =>
    !!byCode.get(code) && !!byCode.get(ancestor) && byCode.get(code)!.path.startsWith(byCode.get(ancestor)!.path),
} as unknown as ReferenceService;

const user = (role: Role, unitCode: string | null): AuthUser => ({
  id: 'u',
  username: 'u',
  fullName: 'u',
  role,
  unitCode,
  unitLevel: unitCode ? byCode.get(unitCode)!.level : null,
});
const ticket = (unitCode: string) => {
  const u = byCode.get(unitCode)!;
  return { unitCode, districtCode: u.districtCode, provinceCode: u.provinceCode };
};

describe('reach', () => {
  it('is the own unit for an officer, whatever its level', () => {
    expect(reachScope(user(Role.Officer, '00001'))).toEqual({ kind: 'unit', code: '00001' });
    expect(reachScope(user(Role.Officer, '001'))).toEqual({ kind: 'unit', code: '001' });
    expect(reachScope(user(Role.Officer, '01'))).toEqual({ kind: 'unit', code: '01' });
  });

  it("is the own unit's subtree for a supervisor, on the column of its level", () => {
    expect(reachScope(user(Role.Supervisor, '00001'))).toEqual({ kind: 'unit', code: '00001' });
    expect(reachScope(user(Role.Supervisor, '001'))).toEqual({ kind: 'district', code: '001' });
    expect(reachScope(user(Role.Supervisor, '01'))).toEqual({ kind: 'province', code: '01' });
  });

  it('is everything for an admin, nothing for a non-admin without a unit', () => {
    expect(reachScope(user(Role.Admin, null))).toEqual({ kind: 'all' });
    expect(reachScope(user(Role.Supervisor, null))).toEqual({ kind: 'none' });
  });

  it('becomes one parameterised equality in SQL', () => {
    const params: unknown[] = ['X'];
    expect(reachSql(user(Role.Supervisor, '001'), 't', params)).toBe('t.district_code = $2');
    expect(params).toEqual(['X', '001']);
    expect(reachSql(user(Role.Admin, null), 't', params)).toBe('TRUE');
    expect(reachSql(user(Role.Officer, null), 't', params)).toBe('FALSE');
  });

  it.each([
    // who, ticket unit, inside?
    [Role.Officer, '00001', '00001', true],
    [Role.Officer, '00001', '00004', false],
    [Role.Officer, '001', '00001', false],
    [Role.Supervisor, '001', '001', true],
    [Role.Supervisor, '001', '00004', true],
    [Role.Supervisor, '001', '00037', false],
    [Role.Supervisor, '001', '01', false],
    [Role.Supervisor, '01', '00037', true],
    [Role.Supervisor, '01', '79', false],
    [Role.Admin, null, '79', true],
  ])('%s of %s reaches a ticket of %s: %s', (role, own, unit, inside) => {
    const u = user(role, own);
    expect(scopeContains(reachScope(u), ticket(unit))).toBe(inside);
    expect(unitInReach(u, unit, reference)).toBe(inside);
  });

  it.each([
    // who, filter, resulting scope
    [Role.Supervisor, '01', '001', { kind: 'district', code: '001' }],
    [Role.Supervisor, '01', '00037', { kind: 'unit', code: '00037' }],
    [Role.Supervisor, '001', '01', { kind: 'district', code: '001' }],
    [Role.Supervisor, '001', '002', { kind: 'none' }],
    [Role.Supervisor, '001', '79', { kind: 'none' }],
    [Role.Officer, '00001', '001', { kind: 'unit', code: '00001' }],
    [Role.Officer, '00001', '00004', { kind: 'none' }],
    [Role.Officer, '001', '00001', { kind: 'none' }],
    [Role.Admin, null, '79', { kind: 'province', code: '79' }],
    [Role.Admin, null, '99999', { kind: 'none' }],
  ])('%s of %s filtering on %s sees %j', (role, own, filter, scope) => {
    expect(narrowScope(user(role, own), filter, reference)).toEqual(scope);
  });

  describe('admins', () => {
    it('a national admin (no unit) reaches and administers everything; a provincial admin its province', () => {
      expect(isNationalAdmin(user(Role.Admin, null))).toBe(true);
      expect(isNationalAdmin(user(Role.Admin, '01'))).toBe(false);
      expect(isNationalAdmin(user(Role.Supervisor, null))).toBe(false);
      expect(reachScope(user(Role.Admin, '01'))).toEqual({ kind: 'province', code: '01' });
      expect(adminReach(user(Role.Admin, null))).toEqual({ kind: 'all' });
      expect(adminReach(user(Role.Admin, '01'))).toEqual({ kind: 'province', code: '01' });
      expect(adminReach(user(Role.Admin, '001'))).toEqual({ kind: 'district', code: '001' });
      // Administration is for admins: a supervisor administers nothing, whatever it reaches.
      expect(adminReach(user(Role.Supervisor, '01'))).toEqual({ kind: 'none' });
      expect(unitInReach(user(Role.Admin, '01'), '00037', reference)).toBe(true);
      expect(unitInReach(user(Role.Admin, '01'), '79', reference)).toBe(false);
    });

    it("places a unit, or no unit, inside or outside an admin's reach", () => {
      const province = adminReach(user(Role.Admin, '01'));
      expect(scopeHasUnit(province, '00037', reference)).toBe(true);
      expect(scopeHasUnit(province, '01', reference)).toBe(true);
      expect(scopeHasUnit(province, '79', reference)).toBe(false);
      expect(scopeHasUnit(province, null, reference)).toBe(false);
      expect(scopeHasUnit(province, '99999', reference)).toBe(false);
      expect(scopeHasUnit({ kind: 'all' }, null, reference)).toBe(true);
      expect(scopeHasUnit({ kind: 'all' }, '99999', reference)).toBe(false);
    });

    it('writes the reach as a predicate on the units table, with its parameter appended', () => {
      const params: unknown[] = ['x'];
      expect(unitScopeSql({ kind: 'province', code: '01' }, 'un', params)).toBe('un.province_code = $2');
      expect(unitScopeSql({ kind: 'district', code: '001' }, 'un', params)).toBe('un.district_code = $3');
      expect(unitScopeSql({ kind: 'unit', code: '00001' }, 'un', params)).toBe('un.code = $4');
      expect(unitScopeSql({ kind: 'all' }, 'un', params)).toBe('TRUE');
      expect(unitScopeSql({ kind: 'none' }, 'un', params)).toBe('FALSE');
      expect(params).toEqual(['x', '01', '001', '00001']);
    });
  });
});

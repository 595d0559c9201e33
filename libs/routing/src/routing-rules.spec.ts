import { IssueType } from '@phananh/ticket-store';
import type { Unit, UnitLevel } from '@phananh/reference';
import { ROUTING_RULES, RoutingError, RoutingRule, UnitTree, resolveUnit } from './routing-rules';

/** A hand-written slice of the 2021 tree: Hà Nội with two wards of Ba Đình, and Côn Đảo (an island district). */
const UNITS: [code: string, level: UnitLevel, parent: string | null][] = [
  ['01', 'province', null],
  ['001', 'district', '01'],
  ['00001', 'ward', '001'],
  ['00004', 'ward', '001'],
  ['002', 'district', '01'],
  ['00037', 'ward', '002'],
  ['77', 'province', null],
  ['755', 'district', '77'],
];

function tree(): UnitTree {
  const units = new Map<string, Unit>();
  for (const [code, level, parentCode] of UNITS) {
    const parent = parentCode ? units.get(parentCode) : undefined;
    units.set(code, {
      code,
      name: `Unit ${code}`,
      type: level,
      level,
      parentCode,
      provinceCode: parent ? parent.provinceCode : code,
      districtCode: level === 'district' ? code : level === 'ward' ? parentCode : null,
      path: `${parent?.path ?? ''}${code}/`,
    });
  }
  return {
    unit: (code) => units.get(code),
    lineage: (code) => {
      const out: Unit[] = [];
      for (let u = units.get(code); u; u = u.parentCode ? units.get(u.parentCode) : undefined) out.push(u);
      return out;
    },
  };
}

const route = (input: Parameters<typeof resolveUnit>[0], staffed: string[]) =>
  resolveUnit(input, tree(), new Set(staffed)).code;

describe('resolveUnit', () => {
  const missing = IssueType.MissingDose;

  it('sends a report to the station of the ward where the dose was given, when it is staffed', () => {
    expect(route({ doseWardCode: '00001', citizenWardCode: '00037', issueType: missing }, ['00001', '00037'])).toBe(
      '00001',
    );
  });

  it('uses the ward of residence when there is no dose', () => {
    expect(route({ citizenWardCode: '00037', issueType: IssueType.WrongPersonalInfo }, ['00037', '00001'])).toBe(
      '00037',
    );
    expect(route({ doseWardCode: null, citizenWardCode: '00037', issueType: IssueType.Other }, ['00037'])).toBe(
      '00037',
    );
  });

  it('climbs to the district health centre when the ward has no active official', () => {
    expect(route({ doseWardCode: '00004', issueType: missing }, ['001', '01', '00001'])).toBe('001');
  });

  it('climbs to the province when neither the ward nor the district has one', () => {
    expect(route({ doseWardCode: '00004', issueType: missing }, ['01', '002', '00001'])).toBe('01');
  });

  it('falls back to the province when nobody at all is staffed', () => {
    expect(route({ doseWardCode: '00004', issueType: missing }, [])).toBe('01');
    expect(route({ citizenWardCode: '00037', issueType: IssueType.DuplicateRecord }, [])).toBe('01');
  });

  it('does not look sideways: a staffed sibling ward or another district does not take the report', () => {
    expect(route({ doseWardCode: '00004', issueType: missing }, ['00001', '002', '00037'])).toBe('01');
  });

  it('treats an island district without wards as the lowest unit', () => {
    expect(route({ doseWardCode: '755', issueType: missing }, ['755'])).toBe('755');
    expect(route({ doseWardCode: '755', issueType: missing }, ['77'])).toBe('77');
    expect(route({ doseWardCode: '755', issueType: missing }, [])).toBe('77');
  });

  it('routes by the dose even when the citizen lives elsewhere and only the home ward is staffed', () => {
    expect(route({ doseWardCode: '00004', citizenWardCode: '00037', issueType: missing }, ['00037'])).toBe('01');
  });

  it('skips an origin that is not a known unit and tries the next', () => {
    expect(route({ doseWardCode: '99999', citizenWardCode: '00037', issueType: missing }, ['00037'])).toBe('00037');
  });

  it('refuses a report that names no known ward', () => {
    expect(() => route({ issueType: missing }, ['01'])).toThrow(RoutingError);
    expect(() => route({ doseWardCode: '99999', issueType: missing }, ['01'])).toThrow(RoutingError);
  });

  it('has a rule for every issue type', () => {
    for (const type of Object.values(IssueType)) expect(ROUTING_RULES[type].origins.length).toBeGreaterThan(0);
  });

  it('follows another rule table when given one (a new rule is one row)', () => {
    const residenceFirst: Record<string, RoutingRule> = {
      ...ROUTING_RULES,
      [IssueType.WrongPersonalInfo]: { origins: ['citizenWard', 'doseWard'] },
    };
    const input = { doseWardCode: '00001', citizenWardCode: '00037', issueType: IssueType.WrongPersonalInfo };
    expect(resolveUnit(input, tree(), new Set(['00001', '00037']), residenceFirst).code).toBe('00037');
    expect(
      resolveUnit({ ...input, issueType: missing }, tree(), new Set(['00001', '00037']), residenceFirst).code,
    ).toBe('00001');
  });

  it('refuses an issue type without a rule', () => {
    expect(() => resolveUnit({ doseWardCode: '00001', issueType: 'NEW' as IssueType }, tree(), new Set())).toThrow(
      RoutingError,
    );
  });
});

import { birthYearOfCitizenId, citizenIdProblem } from './citizen-id';

const provinces = new Set(['001', '079', '096', '038']);
const check = (id: string, dob?: string) => citizenIdProblem(id, dob, (p) => provinces.has(p));

describe('citizenIdProblem', () => {
  it('accepts a 12-digit number whose province exists and whose digits agree with the birth year', () => {
    expect(check('001090012345', '1990-05-17')).toBeNull();
    expect(check('079190012345', '1990-12-31')).toBeNull();
    expect(check('096205000001', '2005-01-01')).toBeNull();
    expect(check('038300000001', '2000-06-30')).toBeNull();
  });

  it.each([
    ['0', '1900–1999, male', '001000123456', '1900-01-01'],
    ['1', '1900–1999, female', '001199123456', '1999-12-31'],
    ['2', '2000–2099, male', '001200123456', '2000-01-01'],
    ['3', '2000–2099, female', '001321123456', '2021-10-01'],
    ['4', '2100–2199', '001400123456', '2100-01-01'],
    ['5', '2100–2199', '001599123456', '2199-01-01'],
  ])('reads century digit %s as %s', (_digit, _label, id, dob) => {
    expect(check(id, dob)).toBeNull();
    expect(birthYearOfCitizenId(id)).toBe(Number(dob.slice(0, 4)));
  });

  it('reports a century digit that disagrees with the date of birth', () => {
    expect(check('001290012345', '1990-05-17')).toBe('CITIZEN_ID_BIRTH_MISMATCH');
    expect(check('001390012345', '1990-05-17')).toBe('CITIZEN_ID_BIRTH_MISMATCH');
    expect(check('001000012345', '2000-05-17')).toBe('CITIZEN_ID_BIRTH_MISMATCH');
    expect(check('001100012345', '2000-05-17')).toBe('CITIZEN_ID_BIRTH_MISMATCH');
  });

  it('reports year digits that disagree with the date of birth, one year either side', () => {
    expect(check('001089012345', '1990-05-17')).toBe('CITIZEN_ID_BIRTH_MISMATCH');
    expect(check('001091012345', '1990-05-17')).toBe('CITIZEN_ID_BIRTH_MISMATCH');
    expect(check('001199012345', '2000-01-01')).toBe('CITIZEN_ID_BIRTH_MISMATCH');
  });

  it('skips the birth check when there is no valid date of birth to compare with', () => {
    expect(check('001290012345', undefined)).toBeNull();
  });

  it('reports a province code that does not exist', () => {
    expect(check('000090012345', '1990-05-17')).toBe('CITIZEN_ID_PROVINCE');
    expect(check('003090012345', '1990-05-17')).toBe('CITIZEN_ID_PROVINCE');
    expect(check('097090012345', '1990-05-17')).toBe('CITIZEN_ID_PROVINCE');
  });

  it('gives a 9-digit CMND its own problem', () => {
    expect(check('012345678', '1990-05-17')).toBe('CITIZEN_ID_CMND');
  });

  it.each([
    '',
    '00109001234',
    '0010900123456',
    '00109001234a',
    '001 090 012345',
    '+01090012345',
    '１２３４５６７８９０１２',
  ])('refuses the shape %j', (id) => {
    expect(check(id, '1990-05-17')).toBe('CITIZEN_ID_FORMAT');
  });
});

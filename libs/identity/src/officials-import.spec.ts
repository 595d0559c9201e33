import type { ReferenceService } from '@phananh/reference';
import { parseOfficialsCsv } from './officials-import';
import { Role } from './role';

const UNITS: Record<string, string> = { '01': '01/', '00001': '01/001/00001/', '79': '79/', '26734': '79/760/26734/' };
const reference = {
  unit: (code: string) => (UNITS[code] ? { code, path: UNITS[code] } : undefined),
  isWithin: (code: string, ancestor: string) =>
    !!UNITS[code] && !!UNITS[ancestor] && UNITS[code].startsWith(UNITS[ancestor]),
} as unknown as ReferenceService;
const HANOI = { kind: 'province', code: '01' } as const;
const codes = (file: string | Buffer, reach = HANOI) =>
  parseOfficialsCsv(Buffer.isBuffer(file) ? file : Buffer.from(file), reach, reference).problems.map(
    (p) => `${p.line}:${p.field}:${p.code}`,
  );

describe('parseOfficialsCsv', () => {
  it('reads rows with or without BOM, any column order, Vietnamese headers, comma or semicolon', () => {
    const withBom = Buffer.from(
      '\uFEFFusername,full name,role,unit code,e-mail\r\nan.nv,Nguyễn Văn An,officer,00001,\r\n',
    );
    const vietnamese = Buffer.from(
      'Mã đơn vị;E-mail;Vai trò;Họ và tên;Tên đăng nhập\n00001;an@x.vn;OFFICER;Nguyễn Văn An;an.nv\n',
    );
    for (const file of [withBom, vietnamese]) {
      const parsed = parseOfficialsCsv(file, HANOI, reference);
      expect(parsed.problems).toEqual([]);
      expect(parsed.rows).toEqual([
        expect.objectContaining({
          line: 2,
          username: 'an.nv',
          fullName: 'Nguyễn Văn An',
          role: Role.Officer,
          unitCode: '00001',
        }),
      ]);
    }
  });

  it("names every problem of every row, by the file's line", () => {
    const file = [
      'username,full name,role,unit code,e-mail',
      'a b,,KING,99999,not-mail',
      '',
      'dup.one,Tên,OFFICER,26734,',
      'DUP.one,Tên,OFFICER,,',
      'x.y,Tên,ADMIN,,',
      'short,row',
    ].join('\n');
    expect(codes(file)).toEqual([
      '2:username:USERNAME_INVALID',
      '2:fullName:FULL_NAME_INVALID',
      '2:role:ROLE_INVALID',
      '2:unitCode:UNIT_UNKNOWN',
      '2:email:EMAIL_INVALID',
      '4:unitCode:UNIT_OUTSIDE_REACH',
      '5:username:USERNAME_REPEATED',
      '5:unitCode:UNIT_REQUIRED',
      '6:unitCode:UNIT_OUTSIDE_REACH',
      '7:row:IMPORT_COLUMN_COUNT',
    ]);
    // A national admin may create an admin without a unit, and reaches every province.
    expect(
      codes('username,full name,role,unit code,e-mail\nx.y,Tên,ADMIN,,\nz.w,Tên,OFFICER,26734,\n', {
        kind: 'all',
      } as never),
    ).toEqual([]);
  });

  it('refuses a file that is not UTF-8, lacks a column, or has no rows', () => {
    expect(
      codes(Buffer.from('username,full name,role,unit code,e-mail\nan,Nguy\xEAn,OFFICER,00001,\n', 'latin1')),
    ).toEqual(['0:file:IMPORT_NOT_UTF8']);
    expect(codes('username,name,role,unit,email\nan.nv,A,OFFICER,00001,\n')).toEqual(['0:file:IMPORT_COLUMN_MISSING']);
    expect(codes('username,full name,role,unit code,e-mail\r\n')).toEqual(['0:file:IMPORT_EMPTY']);
    expect(codes('')).toEqual(['0:file:IMPORT_EMPTY']);
  });
});

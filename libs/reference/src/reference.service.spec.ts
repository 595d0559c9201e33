import type { DataSource } from 'typeorm';
import { ReferenceService, Unit } from './reference.service';

const unit = (code: string, name: string, level: Unit['level'], parentCode: string | null): Unit => ({
  code,
  name,
  type: '',
  level,
  parentCode,
  provinceCode: '01',
  districtCode: level === 'ward' ? '001' : null,
  path: '',
});

describe('ReferenceService.unitRef', () => {
  const reference = new ReferenceService({
    query: async (sql: string) =>
      sql.includes('FROM units')
        ? [
            unit('01', 'Thành phố Hà Nội', 'province', null),
            unit('001', 'Quận Ba Đình', 'district', '01'),
            unit('00001', 'Phường Phúc Xá', 'ward', '001'),
          ]
        : [],
  } as unknown as DataSource);
  beforeAll(() => reference.onModuleInit());

  it('names each level by its health unit', () => {
    expect(reference.unitRef('01')).toEqual({ code: '01', name: 'Sở Y tế Thành phố Hà Nội', level: 'province' });
    expect(reference.unitRef('001')).toEqual({ code: '001', name: 'Trung tâm Y tế Quận Ba Đình', level: 'district' });
    expect(reference.unitRef('00001')).toEqual({ code: '00001', name: 'Trạm Y tế Phường Phúc Xá', level: 'ward' });
  });

  it('shows a code missing from the list by its code, as a ward', () => {
    expect(reference.unitRef('99999')).toEqual({ code: '99999', name: '99999', level: 'ward' });
  });
});

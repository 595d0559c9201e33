import { AppError, FieldError } from '@phananh/core';
import { PRIVACY_NOTICE_VERSION } from './privacy-notice';
import { CheckContext, checkReport } from './report-check';
import './reports.errors';

const WARDS = new Set(['00001', '00004', '755']);
const ctx: CheckContext = {
  reference: {
    provinceOfIdentityCode: (c) => ({ '001': '01', '079': '79' })[c],
    vaccine: (c) => (['COMIRNATY', 'ASTRAZENECA'].includes(c) ? { code: c } : undefined),
    isLowestUnit: (c) => WARDS.has(c),
  },
  today: '2021-11-03',
};

const valid = () => ({
  citizen: { fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17', citizenId: '001090012345', phone: '0912345678' },
  issueType: 'MISSING_DOSE',
  dose: {
    doseNumber: 2,
    vaccineCode: 'COMIRNATY',
    vaccinatedOn: '2021-10-20',
    wardCode: '00001',
    facilityName: 'Trạm Y tế phường Phúc Xá',
    lotNumber: 'FF2593',
  },
  description: 'Mũi 2 chưa có trên Sổ sức khỏe điện tử',
  consent: { noticeVersion: PRIVACY_NOTICE_VERSION },
});

type Body = ReturnType<typeof valid> & Record<string, unknown>;
function withChange(change: (b: Body) => void): Body {
  const body = valid() as Body;
  change(body);
  return body;
}

async function errorsOf(body: unknown, context = ctx): Promise<FieldError[]> {
  try {
    await checkReport(body, context);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).fieldErrors;
  }
  throw new Error('expected a validation error');
}
const codes = async (body: unknown, context = ctx) =>
  (await errorsOf(body, context)).map((e) => `${e.field}:${e.code}`);

describe('checkReport', () => {
  it('accepts the contract example, with the phone stored as +84…', async () => {
    const report = await checkReport(valid(), ctx);
    expect(report.citizen).toEqual({
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '1990-05-17',
      citizenId: '001090012345',
      phone: '+84912345678',
      email: null,
      wardCode: null,
    });
    expect(report.dose).toMatchObject({ doseNumber: 2, wardCode: '00001', lotNumber: 'FF2593' });
  });

  it('keeps names as typed, in NFC (decomposed diacritics are composed)', async () => {
    const decomposed = 'Nguye\u0302\u0303n Va\u0306n An';
    const report = await checkReport(
      withChange((b) => (b.citizen.fullName = decomposed)),
      ctx,
    );
    expect(report.citizen.fullName).toBe('Nguyễn Văn An');
    expect(report.citizen.fullName).toBe(decomposed.normalize('NFC'));
  });

  it('accepts spaces typed inside the identity number', async () => {
    const report = await checkReport(
      withChange((b) => (b.citizen.citizenId = '001 090 012345')),
      ctx,
    );
    expect(report.citizen.citizenId).toBe('001090012345');
  });

  describe('the identity number', () => {
    it('gives a CMND its own code', async () => {
      expect(await codes(withChange((b) => (b.citizen.citizenId = '012345678')))).toEqual([
        'citizen.citizenId:CITIZEN_ID_CMND',
      ]);
    });
    it('refuses an unknown province code', async () => {
      expect(await codes(withChange((b) => (b.citizen.citizenId = '003090012345')))).toEqual([
        'citizen.citizenId:CITIZEN_ID_PROVINCE',
      ]);
    });
    it('reports a disagreement with the date of birth on citizen.citizenId', async () => {
      expect(await codes(withChange((b) => (b.citizen.dateOfBirth = '2000-05-17')))).toEqual([
        'citizen.citizenId:CITIZEN_ID_BIRTH_MISMATCH',
      ]);
      expect(await codes(withChange((b) => (b.citizen.citizenId = '001290012345')))).toEqual([
        'citizen.citizenId:CITIZEN_ID_BIRTH_MISMATCH',
      ]);
    });
    it('never repeats the number or the phone in a message', async () => {
      const errors = await errorsOf(
        withChange((b) => {
          b.citizen.citizenId = '003090012345';
          b.citizen.phone = '02438251234';
        }),
      );
      expect(errors.map((e) => e.code)).toEqual(['CITIZEN_ID_PROVINCE', 'PHONE_NOT_MOBILE']);
      const text = JSON.stringify(errors);
      for (const secret of ['003090012345', '02438251234', '2438251234', '090012345'])
        expect(text).not.toContain(secret);
    });
  });

  describe('dates, by the clock', () => {
    it('accepts a date of birth of today, refuses tomorrow and before 1900', async () => {
      await expect(
        checkReport(
          withChange((b) => {
            b.citizen.dateOfBirth = '2021-11-03';
            b.citizen.citizenId = '001321012345';
            b.issueType = 'WRONG_PERSONAL_INFO';
            delete (b as Partial<Body>).dose;
            (b.citizen as Record<string, unknown>).wardCode = '00004';
          }),
          ctx,
        ),
      ).resolves.toBeTruthy();
      expect(await codes(withChange((b) => (b.citizen.dateOfBirth = '2021-11-04')))).toEqual([
        'citizen.dateOfBirth:DATE_OF_BIRTH_FUTURE',
      ]);
      expect(await codes(withChange((b) => (b.citizen.dateOfBirth = '1899-12-31')))).toEqual([
        'citizen.dateOfBirth:DATE_OF_BIRTH_TOO_EARLY',
      ]);
    });
    it('refuses a date of birth that is not a real date', async () => {
      for (const d of ['1990-02-30', '17/05/1990', '1990-5-17', '']) {
        expect(await codes(withChange((b) => (b.citizen.dateOfBirth = d)))).toEqual([
          'citizen.dateOfBirth:calendarDate',
        ]);
      }
    });
    it('accepts vaccinatedOn from 2021-03-08 to today, inclusive', async () => {
      for (const d of ['2021-03-08', '2021-11-03']) {
        await expect(
          checkReport(
            withChange((b) => (b.dose.vaccinatedOn = d)),
            ctx,
          ),
        ).resolves.toBeTruthy();
      }
      expect(await codes(withChange((b) => (b.dose.vaccinatedOn = '2021-03-07')))).toEqual([
        'dose.vaccinatedOn:VACCINATED_BEFORE_PROGRAMME',
      ]);
      expect(await codes(withChange((b) => (b.dose.vaccinatedOn = '2021-11-04')))).toEqual([
        'dose.vaccinatedOn:VACCINATED_IN_FUTURE',
      ]);
    });
    it('takes today from the context (the clock), not from the machine', async () => {
      const later = { ...ctx, today: '2021-11-10' };
      await expect(
        checkReport(
          withChange((b) => (b.dose.vaccinatedOn = '2021-11-10')),
          later,
        ),
      ).resolves.toBeTruthy();
      expect(
        await codes(
          withChange((b) => (b.dose.vaccinatedOn = '2021-11-11')),
          later,
        ),
      ).toEqual(['dose.vaccinatedOn:VACCINATED_IN_FUTURE']);
    });
    it('refuses a dose before the date of birth', async () => {
      expect(
        await codes(
          withChange((b) => {
            b.citizen.dateOfBirth = '2021-06-01';
            b.citizen.citizenId = '001321012345';
            b.dose.vaccinatedOn = '2021-05-31';
          }),
        ),
      ).toEqual(['dose.vaccinatedOn:VACCINATED_BEFORE_BIRTH']);
    });
  });

  describe('the dose', () => {
    it('is required for MISSING_DOSE and WRONG_DOSE_INFO only', async () => {
      for (const issueType of ['MISSING_DOSE', 'WRONG_DOSE_INFO']) {
        expect(
          await codes(
            withChange((b) => {
              b.issueType = issueType;
              delete (b as Partial<Body>).dose;
              (b.citizen as Record<string, unknown>).wardCode = '00001';
            }),
          ),
        ).toEqual(['dose:DOSE_REQUIRED']);
      }
      for (const issueType of ['WRONG_PERSONAL_INFO', 'DUPLICATE_RECORD', 'OTHER']) {
        const body = withChange((b) => {
          b.issueType = issueType;
          delete (b as Partial<Body>).dose;
          (b.citizen as Record<string, unknown>).wardCode = '00001';
        });
        await expect(checkReport(body, ctx)).resolves.toMatchObject({ dose: null });
      }
    });
    it('needs the ward of residence when there is no dose', async () => {
      expect(
        await codes(
          withChange((b) => {
            b.issueType = 'OTHER';
            delete (b as Partial<Body>).dose;
          }),
        ),
      ).toEqual(['citizen.wardCode:WARD_CODE_REQUIRED']);
    });
    it('takes doseNumber 1 to 5, as an integer', async () => {
      for (const n of [1, 5])
        await expect(
          checkReport(
            withChange((b) => (b.dose.doseNumber = n)),
            ctx,
          ),
        ).resolves.toBeTruthy();
      expect(await codes(withChange((b) => (b.dose.doseNumber = 0)))).toEqual(['dose.doseNumber:min']);
      expect(await codes(withChange((b) => (b.dose.doseNumber = 6)))).toEqual(['dose.doseNumber:max']);
      expect(await codes(withChange((b) => (b.dose.doseNumber = 2.5)))).toEqual(['dose.doseNumber:isInt']);
      expect(await codes(withChange((b) => ((b.dose as Record<string, unknown>).doseNumber = '2')))).toEqual([
        'dose.doseNumber:isInt',
      ]);
    });
    it('takes a vaccine code from the list', async () => {
      expect(await codes(withChange((b) => (b.dose.vaccineCode = 'SPUTNIK_LIGHT')))).toEqual([
        'dose.vaccineCode:VACCINE_UNKNOWN',
      ]);
    });
    it('takes a ward-level code or an island district, not a district or a province', async () => {
      await expect(
        checkReport(
          withChange((b) => (b.dose.wardCode = '755')),
          ctx,
        ),
      ).resolves.toBeTruthy();
      for (const code of ['001', '01', '99999']) {
        expect(await codes(withChange((b) => (b.dose.wardCode = code)))).toEqual(['dose.wardCode:WARD_CODE_UNKNOWN']);
      }
      expect(await codes(withChange((b) => ((b.citizen as Record<string, unknown>).wardCode = '001')))).toEqual([
        'citizen.wardCode:WARD_CODE_UNKNOWN',
      ]);
    });
  });

  describe('the phone', () => {
    it('is optional, and empty counts as absent', async () => {
      await expect(
        checkReport(
          withChange((b) => delete (b.citizen as Partial<Body['citizen']>).phone),
          ctx,
        ),
      ).resolves.toMatchObject({
        citizen: { phone: null },
      });
      await expect(
        checkReport(
          withChange((b) => (b.citizen.phone = '')),
          ctx,
        ),
      ).resolves.toMatchObject({
        citizen: { phone: null },
      });
    });
    it('must be a mobile number', async () => {
      expect(await codes(withChange((b) => (b.citizen.phone = '02438251234')))).toEqual([
        'citizen.phone:PHONE_NOT_MOBILE',
      ]);
      expect(await codes(withChange((b) => (b.citizen.phone = '+1 202 555 0100')))).toEqual([
        'citizen.phone:PHONE_FORMAT',
      ]);
    });
  });

  describe('structure', () => {
    it('names an unknown field on its dotted path', async () => {
      expect(await codes(withChange((b) => ((b.dose as Record<string, unknown>).batch = 'x')))).toEqual([
        'dose.batch:whitelistValidation',
      ]);
      expect(await codes(withChange((b) => ((b.citizen as Record<string, unknown>).nickname = 'x')))).toEqual([
        'citizen.nickname:whitelistValidation',
      ]);
      expect(await codes(withChange((b) => (b.extra = 1)))).toEqual(['extra:whitelistValidation']);
    });
    it('bounds the lengths of free text', async () => {
      expect(await codes(withChange((b) => (b.citizen.fullName = 'A'.repeat(101))))).toEqual([
        'citizen.fullName:maxLength',
      ]);
      expect(await codes(withChange((b) => (b.description = 'x'.repeat(2001))))).toEqual(['description:maxLength']);
      expect(await codes(withChange((b) => (b.dose.lotNumber = 'x'.repeat(51))))).toEqual(['dose.lotNumber:maxLength']);
      expect(await codes(withChange((b) => (b.dose.facilityName = 'x'.repeat(201))))).toEqual([
        'dose.facilityName:maxLength',
      ]);
    });
    it('refuses names without letters and text with control characters', async () => {
      expect(await codes(withChange((b) => (b.citizen.fullName = '   ')))).toEqual(['citizen.fullName:PERSON_NAME']);
      expect(await codes(withChange((b) => (b.citizen.fullName = 'An\u0000')))).toEqual([
        'citizen.fullName:PERSON_NAME',
      ]);
      expect(await codes(withChange((b) => (b.description = 'a\u0000b')))).toEqual([
        'description:TEXT_CONTROL_CHARACTERS',
      ]);
      await expect(
        checkReport(
          withChange((b) => (b.description = 'dòng 1\r\ndòng 2\tx')),
          ctx,
        ),
      ).resolves.toBeTruthy();
    });
    it('refuses an unknown issue type and a missing citizen', async () => {
      expect(await codes(withChange((b) => (b.issueType = 'COMPLAINT')))).toEqual(['issueType:isEnum']);
      expect(await codes(withChange((b) => delete (b as Partial<Body>).citizen))).toEqual(['citizen:isDefined']);
    });
    it('reports every bad field at once', async () => {
      const errors = await codes(
        withChange((b) => {
          b.citizen.citizenId = '012345678';
          b.citizen.phone = '02438251234';
          b.dose.vaccineCode = 'X';
          b.dose.vaccinatedOn = '2021-12-01';
          b.dose.doseNumber = 9;
          b.extra = true;
        }),
      );
      expect(errors.sort()).toEqual(
        [
          'extra:whitelistValidation',
          'dose.doseNumber:max',
          'citizen.citizenId:CITIZEN_ID_CMND',
          'citizen.phone:PHONE_NOT_MOBILE',
          'dose.vaccineCode:VACCINE_UNKNOWN',
          'dose.vaccinatedOn:VACCINATED_IN_FUTURE',
        ].sort(),
      );
    });
    it('refuses deep nesting and prototype keys before parsing them', async () => {
      let deep: unknown = {};
      for (let i = 0; i < 10_000; i++) deep = { a: deep };
      expect(await codes(withChange((b) => (b.description = deep as string)))).toEqual([
        expect.stringMatching(/^description(\.a)+:BODY_TOO_DEEP$/),
      ]);
      const hostile = JSON.parse('{"citizen":{"__proto__":{"fullName":"x"}},"issueType":"OTHER"}');
      expect(await codes(hostile)).toEqual(['citizen.__proto__:unknownField']);
    });
    it('refuses a body that is not an object', async () => {
      for (const body of [null, [], 'x', 1]) expect(await codes(body)).toEqual([':isObject']);
    });
  });

  describe('the consent', () => {
    it('keeps the version of the privacy notice the citizen accepted', async () => {
      expect((await checkReport(valid(), ctx)).noticeVersion).toBe(PRIVACY_NOTICE_VERSION);
    });
    it('is required, as an object naming the notice', async () => {
      expect(await codes(withChange((b) => delete (b as Partial<Body>).consent))).toEqual(['consent:isDefined']);
      expect(await codes(withChange((b) => (b.consent = true as never)))).toEqual([expect.stringMatching(/^consent:/)]);
      expect(await codes(withChange((b) => (b.consent = {} as never)))).toEqual(['consent.noticeVersion:isDefined']);
      expect(
        await codes(withChange((b) => (b.consent = { noticeVersion: PRIVACY_NOTICE_VERSION, ok: 1 } as never))),
      ).toEqual(['consent.ok:whitelistValidation']);
    });
    it('must name the current notice: an older or made-up version is refused with its own code', async () => {
      for (const version of ['2021-11-01', 'none', '', `${PRIVACY_NOTICE_VERSION} `]) {
        expect(await codes(withChange((b) => (b.consent.noticeVersion = version)))).toEqual([
          'consent.noticeVersion:NOTICE_VERSION_NOT_CURRENT',
        ]);
      }
    });
  });
});

import { randomInt } from 'node:crypto';
import { readReferenceCsv } from '@phananh/reference';
import { PRIVACY_NOTICE_VERSION } from '@phananh/reports';

/** Identity-number province codes and ward-level units of the bundled 2021 lists. */
export const CCCD_PROVINCES = readReferenceCsv('cccd-province-codes.csv').map((r) => r.cccd_code);
const UNITS = readReferenceCsv('vn-admin-units-2021.csv');
export const WARDS = UNITS.filter((u) => u.level === 'ward').map((u) => u.code);
export const ISLAND_DISTRICTS = ['318', '471', '498', '536', '755'];

let serial = 0;

export interface Citizen {
  fullName: string;
  dateOfBirth: string;
  citizenId: string;
  phone: string;
}

/** A citizen with a valid identity number that agrees with the date of birth; unique within a test run. */
export function newCitizen(options: { year?: number; province?: string } = {}): Citizen {
  const year = options.year ?? 1940 + randomInt(70);
  const province = options.province ?? CCCD_PROVINCES[randomInt(CCCD_PROVINCES.length)];
  const centuryDigit = Math.floor((year - 1900) / 100) * 2 + randomInt(2);
  const unique = String((process.pid * 1000 + ++serial) % 1_000_000).padStart(6, '0');
  const month = String(1 + randomInt(12)).padStart(2, '0');
  const day = String(1 + randomInt(28)).padStart(2, '0');
  const mobilePrefixes = ['32', '39', '56', '70', '79', '81', '86', '88', '90', '91', '96', '98'];
  return {
    fullName: 'Nguyễn Thị Hồng Nhung',
    dateOfBirth: `${year}-${month}-${day}`,
    citizenId: `${province}${centuryDigit}${String(year % 100).padStart(2, '0')}${unique}`,
    phone: `0${mobilePrefixes[randomInt(mobilePrefixes.length)]}${String(randomInt(10_000_000)).padStart(7, '0')}`,
  };
}

export interface ReportBody {
  citizen: Partial<Citizen> & { wardCode?: string };
  issueType: string;
  dose?: {
    doseNumber: number;
    vaccineCode: string;
    vaccinatedOn: string;
    wardCode: string;
    facilityName?: string;
    lotNumber?: string;
  };
  description?: string;
  consent?: { noticeVersion: string };
}

/** The form's ticked box: the current privacy notice accepted (every filing needs it). */
export const CONSENT = { noticeVersion: PRIVACY_NOTICE_VERSION };

/** The contract's example report, for a fresh citizen unless one is given. */
export function reportBody(citizen: Citizen = newCitizen(), doseWardCode = '00001'): ReportBody {
  return {
    citizen: { ...citizen },
    issueType: 'MISSING_DOSE',
    dose: {
      doseNumber: 2,
      vaccineCode: 'COMIRNATY',
      vaccinatedOn: '2021-10-20',
      wardCode: doseWardCode,
      facilityName: 'Trạm Y tế phường Phúc Xá',
      lotNumber: 'FF2593',
    },
    description: 'Mũi 2 chưa có trên Sổ sức khỏe điện tử',
    consent: { ...CONSENT },
  };
}

/** `field:code` of each entry of a problem's errors[]. */
export const fieldCodes = (body: { errors?: { field: string; code: string }[] }) =>
  (body.errors ?? []).map((e) => `${e.field}:${e.code}`);

import { randomInt } from 'node:crypto';
import { HOUR_MS } from '@phananh/core';
import { readReferenceCsv } from '@phananh/reference';
import { PRIVACY_NOTICE_VERSION } from '@phananh/reports';

/**
 * Population of each province at the 1 April 2019 census (General Statistics Office), in
 * thousands, by GSO province code: the weight of a province in generated campaigns.
 */
export const PROVINCE_POPULATION_2019: Readonly<Record<string, number>> = {
  '01': 8054, '02': 855, '04': 531, '06': 314, '08': 785, '10': 731, '11': 599, '12': 461, '14': 1249,
  '15': 822, '17': 855, '19': 1287, '20': 782, '22': 1321, '24': 1804, '25': 1464, '26': 1152, '27': 1369,
  '30': 1893, '31': 2029, '33': 1253, '34': 1861, '35': 853, '36': 1781, '37': 983, '38': 3641, '40': 3328,
  '42': 1289, '44': 896, '45': 633, '46': 1129, '48': 1135, '49': 1496, '51': 1232, '52': 1487, '54': 873,
  '56': 1232, '58': 591, '60': 1231, '62': 541, '64': 1514, '66': 1870, '67': 623, '68': 1297, '70': 995,
  '72': 1170, '74': 2456, '75': 3097, '77': 1149, '79': 8993, '80': 1689, '82': 1765, '83': 1289, '84': 1010,
  '86': 1023, '87': 1600, '89': 1908, '91': 1724, '92': 1236, '93': 734, '94': 1200, '95': 908, '96': 1194,
}; // prettier-ignore

/**
 * Reports per inhabitant, relative to the rest of the country. Hồ Chí Minh City had 1.6 of the
 * 2.7 million reports filed by 18 Oct 2021 (docs/domain.md, "Scale") with a tenth of the population: a factor
 * of about 14 reproduces that share. Hà Nội's factor is an assumption (the second-largest campaign).
 */
export const REPORT_INTENSITY: Readonly<Record<string, number>> = { '79': 14, '01': 3 };

/** Relative report volume by local hour of day (0–23): quiet nights, a morning shoulder, an evening peak. */
export const HOURLY_PROFILE = [
  0.15, 0.08, 0.05, 0.04, 0.05, 0.15, 0.4, 0.7, 0.9, 1.0, 1.0, 0.9, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.4, 1.9, 2.2, 2.1,
  1.5, 0.6,
];
/** Relative volume by day since the campaign opened: the first days carry the most. */
export const DAILY_PROFILE = [1.6, 1.4, 1.2, 1.0, 0.9, 0.85, 0.8, 0.75];

const VN_OFFSET_MS = 7 * HOUR_MS;

export interface Ward {
  code: string;
  districtCode: string;
  provinceCode: string;
}

/** Wards of the bundled 2021 list grouped by province, and a population-weighted province picker. */
export class Geography {
  readonly wards: Ward[] = [];
  readonly wardsByProvince = new Map<string, Ward[]>();
  readonly provinceNames = new Map<string, string>();
  private readonly cumulative: { code: string; upTo: number }[] = [];
  private readonly total: number;

  constructor(intensity: Readonly<Record<string, number>> = REPORT_INTENSITY) {
    const units = readReferenceCsv('vn-admin-units-2021.csv');
    const parent = new Map(units.map((u) => [u.code, u.parent_code]));
    for (const u of units) {
      if (u.level === 'province') this.provinceNames.set(u.code, u.name);
      if (u.level !== 'ward') continue;
      const districtCode = parent.get(u.code)!;
      const ward = { code: u.code, districtCode, provinceCode: parent.get(districtCode)! };
      this.wards.push(ward);
      const list = this.wardsByProvince.get(ward.provinceCode) ?? [];
      list.push(ward);
      this.wardsByProvince.set(ward.provinceCode, list);
    }
    let sum = 0;
    for (const [code, people] of Object.entries(PROVINCE_POPULATION_2019)) {
      if (!this.wardsByProvince.has(code)) continue;
      sum += people * (intensity[code] ?? 1);
      this.cumulative.push({ code, upTo: sum });
    }
    this.total = sum;
  }

  /** A province, with probability proportional to population × report intensity. */
  province(random = Math.random): string {
    const x = random() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid].upTo > x) hi = mid;
      else lo = mid + 1;
    }
    return this.cumulative[lo].code;
  }

  /** The expected share of reports of a province. */
  share(code: string, intensity: Readonly<Record<string, number>> = REPORT_INTENSITY): number {
    return ((PROVINCE_POPULATION_2019[code] ?? 0) * (intensity[code] ?? 1)) / this.total;
  }

  ward(provinceCode = this.province(), random = Math.random): Ward {
    const list = this.wardsByProvince.get(provinceCode)!;
    return list[Math.floor(random() * list.length)];
  }
}

/**
 * An instant in [from, to) drawn from the campaign's daily and hourly profiles (local time in
 * Viet Nam), by rejection sampling against the profiles' maxima.
 */
export function campaignInstant(from: Date, to: Date, campaignStart: Date = from, random = Math.random): Date {
  const maxWeight = Math.max(...HOURLY_PROFILE) * Math.max(...DAILY_PROFILE);
  const span = to.getTime() - from.getTime();
  for (let i = 0; i < 1000; i++) {
    const t = from.getTime() + random() * span;
    const hour = new Date(t + VN_OFFSET_MS).getUTCHours();
    const day = Math.floor((t - campaignStart.getTime()) / (24 * HOUR_MS));
    const weight = HOURLY_PROFILE[hour] * (DAILY_PROFILE[Math.min(Math.max(day, 0), DAILY_PROFILE.length - 1)] ?? 1);
    if (random() * maxWeight < weight) return new Date(t);
  }
  return new Date(from.getTime() + random() * span);
}

const FAMILY = ['Nguyễn', 'Nguyễn', 'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý']; // prettier-ignore
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Ngọc', 'Thanh', 'Quốc', 'Thu', 'Hoài', 'Gia', 'Kim'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Hải', 'Hạnh', 'Hoa', 'Hùng', 'Hương', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Nga', 'Phúc', 'Quân', 'Sơn', 'Tâm', 'Thảo', 'Trang', 'Tuấn', 'Yến', 'Nhung', 'Khoa']; // prettier-ignore
const MOBILE_PREFIXES = ['32', '33', '34', '35', '36', '37', '38', '39', '56', '58', '70', '76', '77', '79', '81', '83', '84', '85', '86', '88', '89', '90', '91', '93', '94', '96', '97', '98']; // prettier-ignore
/** Rough shares of the 2021 doses by vaccine. */
const VACCINE_MIX: [string, number][] = [
  ['VERO_CELL', 40],
  ['ASTRAZENECA', 28],
  ['COMIRNATY', 18],
  ['SPIKEVAX', 7],
  ['ABDALA', 3],
  ['SPUTNIK_V', 2],
  ['HAYAT_VAX', 1],
  ['JANSSEN', 1],
];
const ISSUE_MIX: [string, number][] = [
  ['MISSING_DOSE', 55],
  ['WRONG_DOSE_INFO', 25],
  ['WRONG_PERSONAL_INFO', 12],
  ['DUPLICATE_RECORD', 5],
  ['OTHER', 3],
];

function weighted<T>(mix: [T, number][], random = Math.random): T {
  const total = mix.reduce((s, [, w]) => s + w, 0);
  let x = random() * total;
  for (const [value, w] of mix) if ((x -= w) < 0) return value;
  return mix[mix.length - 1][0];
}

export const pick = <T>(list: readonly T[], random = Math.random): T => list[Math.floor(random() * list.length)];

export interface GeneratedCitizen {
  fullName: string;
  dateOfBirth: string;
  citizenId: string;
  phone: string;
}

/** The identity-number (CCCD) province code of each GSO province code. */
const CCCD_OF_PROVINCE = new Map(
  readReferenceCsv('cccd-province-codes.csv').map((r) => [r.gso_province_code, r.cccd_code]),
);

/**
 * Valid citizens: a 12-digit identity number whose province, century and year digits agree
 * with the date of birth. `serial` makes the number unique: two generators with disjoint
 * serial ranges never produce the same citizen (up to 66 million per province).
 */
export function generatedCitizen(serial: number, provinceCode: string, random = Math.random): GeneratedCitizen {
  const year = 1940 + (Math.floor(serial / 1_000_000) % 66);
  const century = Math.floor((year - 1900) / 100) * 2 + (serial % 2);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const cccd = CCCD_OF_PROVINCE.get(provinceCode) ?? '001';
  return {
    fullName: `${pick(FAMILY, random)} ${pick(MIDDLE, random)} ${pick(GIVEN, random)}`,
    dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    citizenId: `${cccd}${century}${String(year % 100).padStart(2, '0')}${String(serial % 1_000_000).padStart(6, '0')}`,
    phone: `0${pick(MOBILE_PREFIXES, random)}${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}`,
  };
}

/** The ways a generated report is wrong, each answered 400 with its own field error. */
export const INVALID_KINDS = ['cmnd', 'dobMismatch', 'futureDose', 'noDose', 'landline', 'unknownWard'] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

export interface GeneratedReport {
  provinceCode: string;
  body: Record<string, unknown>;
  invalid: InvalidKind | null;
}

/**
 * Report bodies as citizens file them: provinces by population × intensity, a mix of issues
 * and vaccines, and (with `invalidShare`) some with a mistake the service must refuse.
 */
export class ReportGenerator {
  private serial: number;

  constructor(
    readonly geography: Geography,
    options: { serialStart?: number; invalidShare?: number; today?: string; random?: () => number } = {},
  ) {
    this.serial = options.serialStart ?? randomInt(60_000_000);
    this.invalidShare = options.invalidShare ?? 0;
    this.today = options.today ?? '2021-11-03';
    this.random = options.random ?? Math.random;
  }

  private readonly invalidShare: number;
  private readonly today: string;
  private readonly random: () => number;

  next(provinceCode = this.geography.province(this.random)): GeneratedReport {
    const r = this.random;
    const ward = this.geography.ward(provinceCode, r);
    const citizen = generatedCitizen(this.serial++, provinceCode, r);
    const issueType = weighted(ISSUE_MIX, r);
    const needsDose = issueType === 'MISSING_DOSE' || issueType === 'WRONG_DOSE_INFO';
    const doseNumber = 1 + Math.floor(r() * (r() < 0.8 ? 2 : 3));
    const vaccinatedOn = this.doseDate(r);
    const body: Record<string, unknown> = {
      citizen: { ...citizen, wardCode: ward.code },
      issueType,
      ...(needsDose || r() < 0.5
        ? {
            dose: {
              doseNumber,
              vaccineCode: weighted(VACCINE_MIX, r),
              vaccinatedOn,
              wardCode: r() < 0.85 ? ward.code : this.geography.ward(provinceCode, r).code,
              facilityName: `Trạm Y tế ${ward.code}`,
              ...(r() < 0.6 ? { lotNumber: `L${Math.floor(r() * 1e6)}` } : {}),
            },
          }
        : {}),
      description: needsDose
        ? `Mũi ${doseNumber} chưa có trên Sổ sức khỏe điện tử`
        : 'Thông tin cá nhân trên hồ sơ tiêm chủng chưa đúng',
      // The form's checkbox: the citizen accepted the current privacy notice.
      consent: { noticeVersion: PRIVACY_NOTICE_VERSION },
    };
    const invalid = r() < this.invalidShare ? pick(INVALID_KINDS, r) : null;
    if (invalid) spoil(body, invalid, needsDose);
    return { provinceCode, body, invalid };
  }

  private doseDate(r: () => number): string {
    const start = Date.parse('2021-07-01T00:00:00Z');
    const end = Date.parse(`${this.today}T00:00:00Z`);
    return new Date(start + Math.floor(r() * ((end - start) / 86_400_000)) * 86_400_000).toISOString().slice(0, 10);
  }
}

function spoil(body: Record<string, unknown>, kind: InvalidKind, needsDose: boolean): void {
  const citizen = body.citizen as Record<string, string>;
  const dose = body.dose as Record<string, unknown> | undefined;
  switch (kind) {
    case 'cmnd':
      citizen.citizenId = citizen.citizenId.slice(3);
      break;
    case 'dobMismatch':
      citizen.dateOfBirth = `${Number(citizen.dateOfBirth.slice(0, 4)) === 1980 ? 1981 : 1980}${citizen.dateOfBirth.slice(4)}`;
      break;
    case 'futureDose':
      if (dose) dose.vaccinatedOn = '2099-01-01';
      else citizen.phone = '0241234567';
      break;
    case 'noDose':
      if (needsDose) delete body.dose;
      else citizen.wardCode = '99999';
      break;
    case 'landline':
      citizen.phone = '0241234567';
      break;
    case 'unknownWard':
      citizen.wardCode = '99999';
      break;
  }
}

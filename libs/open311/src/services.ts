import { Lang, Localized } from '@phananh/core';
import { Vaccine } from '@phananh/reference';
import { DOSE_REQUIRED_FOR, PRIVACY_NOTICE_VERSION } from '@phananh/reports';
import { IssueType } from '@phananh/ticket-store';

/** GeoReport v2 services: one per issue type, service_code = the issue type. */
export const SERVICE_CODES: readonly IssueType[] = Object.values(IssueType);

const SERVICE_TEXT: Record<IssueType, { name: Localized; description: Localized }> = {
  [IssueType.MissingDose]: {
    name: { vi: 'Thiếu mũi tiêm', en: 'Missing dose' },
    description: {
      vi: 'Đã tiêm nhưng mũi tiêm chưa có trên Sổ sức khỏe điện tử',
      en: 'Vaccinated, but the dose is not in the electronic health book',
    },
  },
  [IssueType.WrongDoseInfo]: {
    name: { vi: 'Sai thông tin mũi tiêm', en: 'Wrong dose details' },
    description: {
      vi: 'Sai loại vắc xin, ngày tiêm, mũi số, nơi tiêm hoặc số lô',
      en: 'Wrong vaccine, date, dose number, place or lot',
    },
  },
  [IssueType.WrongPersonalInfo]: {
    name: { vi: 'Sai thông tin cá nhân', en: 'Wrong personal details' },
    description: { vi: 'Sai họ tên, ngày sinh hoặc số định danh', en: 'Wrong name, date of birth or identity number' },
  },
  [IssueType.DuplicateRecord]: {
    name: { vi: 'Bị trùng hồ sơ', en: 'Duplicate record' },
    description: { vi: 'Người dân có hai hồ sơ tiêm chủng', en: 'The citizen has two vaccination records' },
  },
  [IssueType.Other]: {
    name: { vi: 'Vấn đề khác', en: 'Something else' },
    description: { vi: 'Mô tả trong trường description', en: 'Described in the description field' },
  },
};

export const isServiceCode = (code: string): code is IssueType => (SERVICE_CODES as string[]).includes(code);

export const serviceName = (code: IssueType, lang: Lang) => SERVICE_TEXT[code].name[lang];

/** GET services: the specification's service entry. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export function serviceList(lang: Lang): Open311Service[] {
  return SERVICE_CODES.map((code) => ({
    service_code: code,
    service_name: SERVICE_TEXT[code].name[lang],
    description: SERVICE_TEXT[code].description[lang],
    metadata: true,
    type: 'realtime',
    keywords: 'covid-19, vaccination',
    group: lang === 'vi' ? 'Hồ sơ tiêm chủng COVID-19' : 'COVID-19 vaccination records',
  }));
}

export type Datatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

/** One attribute of a service definition, as the specification names its fields. */
export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: Datatype;
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

export interface Open311ServiceDefinition {
  service_code: string;
  attributes: Open311Attribute[];
}

/** The attributes of every service: the citizen's fields, the dose's fields, the consent. */
export const ATTRIBUTE_CODES = [
  'full_name',
  'date_of_birth',
  'citizen_id',
  'phone',
  'citizen_ward_code',
  'dose_number',
  'vaccine_code',
  'vaccinated_on',
  'dose_ward_code',
  'facility_name',
  'lot_number',
  'consent_notice_version',
] as const;
export type AttributeCode = (typeof ATTRIBUTE_CODES)[number];
export const DOSE_ATTRIBUTES: readonly AttributeCode[] = [
  'dose_number',
  'vaccine_code',
  'vaccinated_on',
  'dose_ward_code',
  'facility_name',
  'lot_number',
];
export const isAttributeCode = (code: string): code is AttributeCode =>
  (ATTRIBUTE_CODES as readonly string[]).includes(code);

const DATE = { vi: 'Ngày, dạng YYYY-MM-DD', en: 'A date, YYYY-MM-DD' };
const WARD = { vi: 'Mã xã/phường 5 chữ số', en: 'A 5-digit ward code' };
const TEXT = { vi: 'Văn bản', en: 'Text' };

interface AttributeSpec {
  datatype: Datatype;
  format: Localized;
  description: Localized;
  /** Required for every service, for the services that need a dose, or never. */
  required: 'always' | 'dose' | 'never';
}

const ATTRIBUTES: Record<AttributeCode, AttributeSpec> = {
  full_name: {
    datatype: 'string',
    format: { vi: 'Tối đa 100 ký tự, có dấu', en: 'At most 100 characters, with diacritics' },
    description: { vi: 'Họ tên người dân như trên hồ sơ', en: "The citizen's full name as on the record" },
    required: 'always',
  },
  date_of_birth: {
    datatype: 'string',
    format: DATE,
    description: { vi: 'Ngày sinh', en: 'Date of birth' },
    required: 'always',
  },
  citizen_id: {
    datatype: 'string',
    format: { vi: '12 chữ số (CCCD), khớp với ngày sinh', en: '12 digits (CCCD), agreeing with the date of birth' },
    description: { vi: 'Số định danh cá nhân', en: 'Personal identification number' },
    required: 'always',
  },
  phone: {
    datatype: 'string',
    format: { vi: 'Số di động Việt Nam, 0… hoặc +84…', en: 'A Vietnamese mobile number, 0… or +84…' },
    description: { vi: 'Số điện thoại nhận tin', en: 'Phone for messages' },
    required: 'never',
  },
  citizen_ward_code: {
    datatype: 'string',
    format: WARD,
    description: {
      vi: 'Xã/phường nơi ở (mặc định: address_id)',
      en: 'Ward of residence (default: address_id)',
    },
    required: 'never',
  },
  dose_number: {
    datatype: 'singlevaluelist',
    format: { vi: 'Mũi số 1–5', en: 'Dose 1–5' },
    description: { vi: 'Mũi tiêm số', en: 'Dose number' },
    required: 'dose',
  },
  vaccine_code: {
    datatype: 'singlevaluelist',
    format: { vi: 'Mã vắc xin', en: 'A vaccine code' },
    description: { vi: 'Loại vắc xin', en: 'Vaccine' },
    required: 'dose',
  },
  vaccinated_on: {
    datatype: 'string',
    format: DATE,
    description: { vi: 'Ngày tiêm', en: 'Date of the dose' },
    required: 'dose',
  },
  dose_ward_code: {
    datatype: 'string',
    format: WARD,
    description: { vi: 'Xã/phường nơi tiêm (mặc định: address_id)', en: 'Ward of the dose (default: address_id)' },
    required: 'never',
  },
  facility_name: {
    datatype: 'string',
    format: TEXT,
    description: { vi: 'Cơ sở tiêm chủng', en: 'Vaccination facility' },
    required: 'never',
  },
  lot_number: {
    datatype: 'string',
    format: TEXT,
    description: { vi: 'Số lô vắc xin', en: 'Vaccine lot number' },
    required: 'never',
  },
  consent_notice_version: {
    datatype: 'singlevaluelist',
    format: {
      vi: 'Phiên bản thông báo quyền riêng tư người dân đã đồng ý (GET /api/v1/reference/privacy-notice)',
      en: 'The privacy notice version the citizen accepted (GET /api/v1/reference/privacy-notice)',
    },
    description: {
      vi: 'Người dân đã đọc và đồng ý thông báo quyền riêng tư',
      en: 'The citizen read and accepted the privacy notice',
    },
    required: 'always',
  },
};

/** GET services/{service_code}: the attributes of one service, in the client's language. */
export function serviceDefinition(code: IssueType, lang: Lang, vaccines: readonly Vaccine[]): Open311ServiceDefinition {
  const needsDose = DOSE_REQUIRED_FOR.includes(code);
  const values: Partial<Record<AttributeCode, { key: string; name: string }[]>> = {
    dose_number: [1, 2, 3, 4, 5].map((n) => ({ key: String(n), name: String(n) })),
    vaccine_code: vaccines.map((v) => ({ key: v.code, name: v.name })),
    consent_notice_version: [{ key: PRIVACY_NOTICE_VERSION, name: PRIVACY_NOTICE_VERSION }],
  };
  return {
    service_code: code,
    attributes: ATTRIBUTE_CODES.map((attr, i) => {
      const spec = ATTRIBUTES[attr];
      const out: Open311Attribute = {
        variable: true,
        code: attr,
        datatype: spec.datatype,
        required: spec.required === 'always' || (spec.required === 'dose' && needsDose),
        datatype_description: spec.format[lang],
        order: i + 1,
        description: spec.description[lang],
      };
      if (values[attr]) out.values = values[attr];
      return out;
    }),
  };
}

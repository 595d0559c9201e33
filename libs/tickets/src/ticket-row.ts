import { IssueType, TicketStatus } from './ticket-status';

/** A ticket as the officials' queries read it (dates as YYYY-MM-DD text, ids as strings). */
export interface TicketRow {
  id: string;
  trackingCode: string;
  status: TicketStatus;
  issueType: IssueType;
  receivedAt: Date;
  dueAt: Date;
  overdueSince: Date | null;
  cutoffMissed: boolean;
  campaignCode: string | null;
  unitCode: string;
  districtCode: string | null;
  provinceCode: string;
  citizenName: string;
  citizenDob: string;
  citizenIdEnc: Buffer;
  phoneEnc: Buffer | null;
  /** Null on rows written before they were stored (the view masks the decrypted values then). */
  citizenIdMasked: string | null;
  phoneMasked: string | null;
  citizenWardCode: string | null;
  doseNumber: number | null;
  vaccineCode: string | null;
  vaccinatedOn: string | null;
  doseWardCode: string | null;
  facilityName: string | null;
  lotNumber: string | null;
  description: string | null;
  version: number;
}

/** The select list producing a TicketRow from `tickets t`. */
export const TICKET_COLUMNS = `
  t.id, t.tracking_code AS "trackingCode", t.status, t.issue_type AS "issueType",
  t.received_at AS "receivedAt", t.due_at AS "dueAt", t.overdue_since AS "overdueSince",
  t.cutoff_missed AS "cutoffMissed", t.campaign_code AS "campaignCode",
  t.unit_code AS "unitCode", t.district_code AS "districtCode", t.province_code AS "provinceCode",
  t.citizen_name AS "citizenName", t.citizen_dob::text AS "citizenDob", t.citizen_id_enc AS "citizenIdEnc",
  t.phone_enc AS "phoneEnc", t.citizen_id_masked AS "citizenIdMasked", t.phone_masked AS "phoneMasked",
  t.citizen_ward_code AS "citizenWardCode", t.dose_number AS "doseNumber",
  t.vaccine_code AS "vaccineCode", t.vaccinated_on::text AS "vaccinatedOn", t.dose_ward_code AS "doseWardCode",
  t.facility_name AS "facilityName", t.lot_number AS "lotNumber", t.description, t.version`;

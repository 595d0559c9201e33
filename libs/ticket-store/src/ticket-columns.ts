import { IssueType, TicketAction, TicketStatus } from './ticket-status';

/**
 * Every column of `tickets` but its generated id, as the code reads and writes it. The
 * schema itself is the migrations (migrations/, snapshot in migrations/schema.snapshot.sql);
 * TICKET_COLUMNS below is the only place that names the columns, and the compiler keeps the
 * two in step: a field without a column, or a column without a field, does not build.
 */
export interface TicketRecord {
  trackingCode: string;
  status: TicketStatus;
  issueType: IssueType;
  receivedAt: Date;
  dueAt: Date;
  /** Set by the SLA ladder when the deadline passes while the ticket is open (see overdue.ts). */
  overdueSince: Date | null;
  /** The campaign's cutoff passed while the ticket was open; stays true once set. */
  cutoffMissed: boolean;
  campaignCode: string | null;
  /** The assigned health unit, and its district and province (denormalised so reach is one indexed predicate). */
  unitCode: string;
  districtCode: string | null;
  provinceCode: string;
  /** The personal fields below are null only once erased (piiErasedAt; ck_tickets_pii_present). */
  citizenName: string | null;
  /** YYYY-MM-DD. */
  citizenDob: string | null;
  /** AES-256-GCM (PiiCrypto); never log or list the plain value. */
  citizenIdEnc: Buffer | null;
  /** Keyed HMAC of the identity number, for duplicate matching and lookups. */
  citizenIdHash: Buffer | null;
  phoneEnc: Buffer | null;
  /** Keyed HMAC of the phone: a filing is a duplicate of an open report only when this matches too. */
  phoneHash: Buffer | null;
  /** As lists show them, so that a list decrypts nothing; null on rows written before they were stored. */
  citizenIdMasked: string | null;
  phoneMasked: string | null;
  citizenWardCode: string | null;
  doseNumber: number | null;
  vaccineCode: string | null;
  /** YYYY-MM-DD. */
  vaccinatedOn: string | null;
  doseWardCode: string | null;
  facilityName: string | null;
  lotNumber: string | null;
  description: string | null;
  resolution: string | null;
  rejectionReasonCode: string | null;
  rejectionNote: string | null;
  /** An open report of the same citizen, issue and dose, filed earlier from another phone: possibly the same. */
  duplicateOf: string | null;
  /** Set with status MERGED: the report this one was folded into. */
  mergedInto: string | null;
  /** SLA ladder position (libs/sla, SlaStage): 0 DUE_SOON next … 3 done. */
  slaStage: number;
  /** When the next ladder stage is due; NULL when closed or done. The sweeper reads only this (partial index). */
  slaNextAt: Date | null;
  /** Optimistic concurrency: every change is `WHERE version = $expected`, then version + 1. */
  version: number;
  updatedAt: Date;
  closedAt: Date | null;
  /**
   * When the retention job erased the personal data (identity number, phone, name, date of
   * birth, free texts, history notes, files): TicketStore.erasePersonalData. Null until then.
   */
  piiErasedAt: Date | null;
  /** The privacy notice the citizen accepted when filing ('none': filed before the form showed one). */
  noticeVersion: string;
  /**
   * The official of the ticket's unit who has it (users.id); null: the unit's, unassigned.
   * Every change is an ASSIGNEE_CHANGED history entry; a transfer clears it.
   */
  assigneeId: string | null;
  /** The citizen's e-mail address for messages, if given (AES-256-GCM, PiiCrypto); erased with the rest. */
  emailEnc: Buffer | null;
  /** The language of the filing ('vi' or 'en'): its messages are written in it. */
  lang: string;
}

/**
 * One entry of a ticket's append-only history (ticket_events: rows are inserted, never deleted;
 * the one update is the retention job's, which erases `note` with the ticket's personal data).
 */
export interface TicketEventRecord {
  ticketId: string;
  at: Date;
  action: TicketAction;
  actorUserId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  actorUnitCode: string | null;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  fromUnitCode: string | null;
  toUnitCode: string | null;
  note: string | null;
  /** Shown on the citizen's lookup timeline (PUBLIC_ACTIONS). */
  isPublic: boolean;
  /** ASSIGNEE_CHANGED: who had the ticket before and who has it now (users.id; null: nobody). */
  fromAssigneeId: string | null;
  toAssigneeId: string | null;
}

/** A column's name and its PostgreSQL type (for casts of array parameters and for COPY's text format). */
type Column = readonly [
  name: string,
  type: 'text' | 'varchar' | 'timestamptz' | 'date' | 'bytea' | 'smallint' | 'integer' | 'boolean' | 'bigint' | 'uuid',
];
type Columns<R> = { readonly [K in keyof R]-?: Column };

export const TICKET_COLUMNS: Columns<TicketRecord> = {
  trackingCode: ['tracking_code', 'text'],
  status: ['status', 'text'],
  issueType: ['issue_type', 'text'],
  receivedAt: ['received_at', 'timestamptz'],
  dueAt: ['due_at', 'timestamptz'],
  overdueSince: ['overdue_since', 'timestamptz'],
  cutoffMissed: ['cutoff_missed', 'boolean'],
  campaignCode: ['campaign_code', 'text'],
  unitCode: ['unit_code', 'varchar'],
  districtCode: ['district_code', 'varchar'],
  provinceCode: ['province_code', 'varchar'],
  citizenName: ['citizen_name', 'text'],
  citizenDob: ['citizen_dob', 'date'],
  citizenIdEnc: ['citizen_id_enc', 'bytea'],
  citizenIdHash: ['citizen_id_hash', 'bytea'],
  phoneEnc: ['phone_enc', 'bytea'],
  phoneHash: ['phone_hash', 'bytea'],
  citizenIdMasked: ['citizen_id_masked', 'text'],
  phoneMasked: ['phone_masked', 'text'],
  citizenWardCode: ['citizen_ward_code', 'varchar'],
  doseNumber: ['dose_number', 'smallint'],
  vaccineCode: ['vaccine_code', 'text'],
  vaccinatedOn: ['vaccinated_on', 'date'],
  doseWardCode: ['dose_ward_code', 'varchar'],
  facilityName: ['facility_name', 'text'],
  lotNumber: ['lot_number', 'text'],
  description: ['description', 'text'],
  resolution: ['resolution', 'text'],
  rejectionReasonCode: ['rejection_reason_code', 'text'],
  rejectionNote: ['rejection_note', 'text'],
  duplicateOf: ['duplicate_of', 'bigint'],
  mergedInto: ['merged_into', 'bigint'],
  slaStage: ['sla_stage', 'smallint'],
  slaNextAt: ['sla_next_at', 'timestamptz'],
  version: ['version', 'integer'],
  updatedAt: ['updated_at', 'timestamptz'],
  closedAt: ['closed_at', 'timestamptz'],
  piiErasedAt: ['pii_erased_at', 'timestamptz'],
  noticeVersion: ['notice_version', 'text'],
  assigneeId: ['assignee_id', 'uuid'],
  emailEnc: ['email_enc', 'bytea'],
  lang: ['lang', 'text'],
};

export const TICKET_EVENT_COLUMNS: Columns<TicketEventRecord> = {
  ticketId: ['ticket_id', 'bigint'],
  at: ['at', 'timestamptz'],
  action: ['action', 'text'],
  actorUserId: ['actor_user_id', 'uuid'],
  actorUsername: ['actor_username', 'text'],
  actorRole: ['actor_role', 'text'],
  actorUnitCode: ['actor_unit_code', 'varchar'],
  fromStatus: ['from_status', 'text'],
  toStatus: ['to_status', 'text'],
  fromUnitCode: ['from_unit_code', 'varchar'],
  toUnitCode: ['to_unit_code', 'varchar'],
  note: ['note', 'text'],
  isPublic: ['is_public', 'boolean'],
  fromAssigneeId: ['from_assignee_id', 'uuid'],
  toAssigneeId: ['to_assignee_id', 'uuid'],
};

export const TICKET_KEYS = Object.keys(TICKET_COLUMNS) as (keyof TicketRecord)[];
export const TICKET_EVENT_KEYS = Object.keys(TICKET_EVENT_COLUMNS) as (keyof TicketEventRecord)[];

/** The fields of a ticket the officials' queries read: the queue, the single view and the workflow. */
export const TICKET_ROW_KEYS = [
  'trackingCode', 'status', 'issueType', 'receivedAt', 'dueAt', 'overdueSince', 'cutoffMissed', 'campaignCode',
  'unitCode', 'districtCode', 'provinceCode', 'citizenName', 'citizenDob', 'citizenIdEnc', 'phoneEnc',
  'citizenIdMasked', 'phoneMasked', 'citizenWardCode', 'doseNumber', 'vaccineCode', 'vaccinatedOn', 'doseWardCode',
  'facilityName', 'lotNumber', 'description', 'version', 'piiErasedAt', 'assigneeId',
] as const satisfies readonly (keyof TicketRecord)[]; // prettier-ignore

/** The assignee's username and name, as TICKET_ROW_SELECT and TICKET_LIST_SELECT read them (null when unassigned). */
export interface AssigneeNames {
  assigneeUsername: string | null;
  assigneeFullName: string | null;
}

/** The assignee's names by a primary-key probe of users per row (no join: any `FROM tickets t` query can use it). */
const ASSIGNEE_NAMES_SELECT = `(SELECT a.username FROM users a WHERE a.id = t.assignee_id) AS "assigneeUsername",
  (SELECT a.full_name FROM users a WHERE a.id = t.assignee_id) AS "assigneeFullName"`;

/** A ticket as the officials' queries read it, with its id (bigint, kept a string). */
export type TicketRow = { id: string } & Pick<TicketRecord, (typeof TICKET_ROW_KEYS)[number]> & AssigneeNames;

/**
 * A select list of `tickets <alias>` producing the given fields under their own names; dates
 * come as YYYY-MM-DD text, the id as a string.
 */
export function ticketSelect(keys: readonly (keyof TicketRecord)[], alias = 't'): string {
  return [`${alias}.id`, ...keys.map((k) => selectColumn(alias, k, TICKET_COLUMNS[k]))].join(', ');
}

/**
 * The select list producing a TicketRow from `tickets t`: the assignee's names by a primary-key
 * probe of users per row (no join, so that every `FROM tickets t` query can use it as it is).
 */
export const TICKET_ROW_SELECT = `${ticketSelect(TICKET_ROW_KEYS)}, ${ASSIGNEE_NAMES_SELECT}`;

/** The column names of the given fields, in their order. */
export function columnNames<R>(columns: Columns<R>, keys: readonly (keyof R)[]): string {
  return keys.map((k) => columns[k][0]).join(', ');
}

/**
 * `unnest($n::type[], …) WITH ORDINALITY AS <alias> (column, …, ord)`: one array parameter
 * per field, numbered from `first`; the rows come out as the given fields' columns.
 */
export function unnestColumns<R>(
  columns: Columns<R>,
  keys: readonly (keyof R)[],
  first: number,
  alias: string,
): string {
  const arrays = keys.map((k, i) => `$${first + i}::${columns[k][1]}[]`).join(', ');
  return `unnest(${arrays}) WITH ORDINALITY AS ${alias} (${columnNames(columns, keys)}, ord)`;
}

/** The array parameters for unnestColumns: one array per field, one element per record. */
export function columnArrays<R>(keys: readonly (keyof R)[], records: readonly R[]): unknown[][] {
  return keys.map((k) => records.map((r) => r[k]));
}

/** Bulk loading (COPY's text format), for tools that fill a database: tickets with their ids given. */
export const TICKETS_COPY_SQL = `COPY tickets (id, ${columnNames(TICKET_COLUMNS, TICKET_KEYS)}) FROM STDIN`;
export const TICKET_EVENTS_COPY_SQL = `COPY ticket_events (${columnNames(TICKET_EVENT_COLUMNS, TICKET_EVENT_KEYS)}) FROM STDIN`;

/** One line of TICKETS_COPY_SQL's input. */
export function ticketCopyLine(id: string, ticket: TicketRecord): string {
  return [id, ...TICKET_KEYS.map((k) => ticket[k])].map(copyValue).join('\t') + '\n';
}

/** One line of TICKET_EVENTS_COPY_SQL's input. */
export function ticketEventCopyLine(event: TicketEventRecord): string {
  return (
    TICKET_EVENT_KEYS.map((k) => event[k])
      .map(copyValue)
      .join('\t') + '\n'
  );
}

function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

function selectColumn(alias: string, key: string, [name, type]: Column): string {
  return type === 'date' ? `${alias}.${name}::text AS "${key}"` : `${alias}.${name} AS "${key}"`;
}

/**
 * The fields a queue page shows (TicketViews.listView), fewer and leaner than TICKET_ROW_KEYS:
 * no district or province code, no ciphertexts (a list shows the masked forms stored at intake),
 * and the instants as the API's Vietnamese-time text, formatted by PostgreSQL (`vnIsoSql`), so
 * that the client neither parses them into Dates nor formats them back, 51 rows a page.
 */
export const TICKET_LIST_KEYS = [
  'trackingCode', 'status', 'issueType', 'cutoffMissed', 'campaignCode', 'unitCode', 'citizenName', 'citizenDob',
  'citizenIdMasked', 'phoneMasked', 'citizenWardCode', 'doseNumber', 'vaccineCode', 'vaccinatedOn', 'doseWardCode',
  'facilityName', 'lotNumber', 'description', 'version', 'assigneeId',
] as const satisfies readonly (keyof TicketRecord)[]; // prettier-ignore

/** A ticket as a queue page reads it (TICKET_LIST_SELECT). */
export type TicketListRow = { id: string } & Pick<TicketRecord, (typeof TICKET_LIST_KEYS)[number]> &
  AssigneeNames & {
    /** Instants as toVnIso writes them. */
    receivedAt: string;
    dueAt: string;
    overdueSince: string | null;
    piiErasedAt: string | null;
    /** Whether the ticket holds an identity number / a phone (null once erased). */
    hasCitizenId: boolean;
    hasPhone: boolean;
    /** The ciphertexts only where no masked form was stored (rows older than migration MaskedPii); else null. */
    citizenIdEnc: Buffer | null;
    phoneEnc: Buffer | null;
  };

/** An instant column as the API's Vietnamese-time ISO text (`toVnIso` in @phananh/core): +07:00, milliseconds. */
export function vnIsoSql(expr: string): string {
  return `to_char((${expr} AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+07:00"')`;
}

/** The select list producing a TicketListRow from `tickets t`. */
export const TICKET_LIST_SELECT = [
  ticketSelect(TICKET_LIST_KEYS),
  `${vnIsoSql('t.received_at')} AS "receivedAt"`,
  `${vnIsoSql('t.due_at')} AS "dueAt"`,
  `${vnIsoSql('t.overdue_since')} AS "overdueSince"`,
  `${vnIsoSql('t.pii_erased_at')} AS "piiErasedAt"`,
  `t.citizen_id_enc IS NOT NULL AS "hasCitizenId"`,
  `t.phone_enc IS NOT NULL AS "hasPhone"`,
  `CASE WHEN t.citizen_id_masked IS NULL THEN t.citizen_id_enc END AS "citizenIdEnc"`,
  `CASE WHEN t.phone_masked IS NULL THEN t.phone_enc END AS "phoneEnc"`,
  ASSIGNEE_NAMES_SELECT,
].join(', ');

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, KeysetCursor, scrubPersonalData, toVnIso } from '@phananh/core';
import { AuditAction } from './audit-action';
import { AuditEntry, AuditJson, normalizeClientAddress } from './audit-entry';

/** Anything that runs SQL: the DataSource, or a transaction's EntityManager. */
export interface AuditQueryable {
  query(sql: string, params?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The listing's filters (all optional, combined with AND) and its keyset page. */
export interface AuditFilter {
  /** The actor's username, case-insensitively. */
  actor?: string;
  action?: AuditAction;
  /** Rows that name this tracking code. */
  ticket?: string;
  /** From this instant (inclusive)… */
  from?: Date;
  /** …to this one (exclusive). */
  to?: Date;
  cursor?: string;
  limit: number;
  /**
   * A provincial admin's reach (a unit's subtree: `level` is the unit's): only the rows whose actor
   * belongs to it or whose subject account does now. Absent: every row (a national admin).
   */
  within?: { level: 'province' | 'district' | 'ward'; code: string };
}

/** One row as the admin listing shows it. */
export interface AuditRecord {
  id: string;
  at: string;
  action: string;
  actor: { id: string; username: string; role: string; unitCode: string | null } | null;
  ticketCodes: string[];
  subject: { id: string; username: string } | null;
  query: AuditJson | null;
  details: AuditJson | null;
  clientAddress: string | null;
}

export interface AuditPage {
  items: AuditRecord[];
  nextCursor: string | null;
}

/** An audit_log row as stored (column names). */
export interface AuditRow {
  id: string;
  at: Date;
  action: string;
  actor_user_id: string | null;
  actor_username: string | null;
  actor_role: string | null;
  actor_unit_code: string | null;
  ticket_codes: string[];
  subject_user_id: string | null;
  subject_username: string | null;
  query: AuditJson | null;
  details: AuditJson | null;
  client_address: string | null;
}

/** The last (at, id) seen: the listing runs newest first. */
const AUDIT_CURSOR = new KeysetCursor(['instant', 'bigint']);

/** The columns an entry writes, in the order of its parameters. */
const INSERT_COLUMNS = [
  'at',
  'actor_user_id',
  'actor_username',
  'actor_role',
  'actor_unit_code',
  'action',
  'ticket_codes',
  'subject_user_id',
  'subject_username',
  'query',
  'details',
  'client_address',
] as const;
const CASTS = [
  'timestamptz',
  'uuid',
  'text',
  'text',
  'text',
  'text',
  'text[]',
  'uuid',
  'text',
  'jsonb',
  'jsonb',
  'inet',
];

/**
 * The audit log (table audit_log, append-only in the database): who saw which personal data
 * and, later, who changed which account. A row is written before the data it records leaves
 * the service, and a failed write fails the request: for personal data, no trace means no access.
 */
@Injectable()
export class AuditLog {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Writes one row (in `q`'s transaction when given, so that it commits or not with the change it records). */
  record(entry: AuditEntry, q: AuditQueryable = this.db): Promise<void> {
    return this.recordMany([entry], q);
  }

  /** Writes several rows in one statement. */
  async recordMany(entries: readonly AuditEntry[], q: AuditQueryable = this.db): Promise<void> {
    if (!entries.length) return;
    const now = this.clock.now();
    const params: unknown[] = [];
    const rows = entries.map((e) => {
      params.push(...this.parameters(e, now));
      const first = params.length - INSERT_COLUMNS.length;
      return `(${CASTS.map((cast, i) => `$${first + i + 1}::${cast}`).join(', ')})`;
    });
    await q.query(`INSERT INTO audit_log (${INSERT_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, params);
  }

  /** Newest first: `limit` rows and the cursor of the next page (null on the last). */
  async list(filter: AuditFilter): Promise<AuditPage> {
    const { sql, params } = this.sql(filter);
    const rows: AuditRow[] = await this.db.query(sql, params);
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(auditRecord),
      nextCursor: rows.length > filter.limit ? AUDIT_CURSOR.encode([last.at, last.id]) : null,
    };
  }

  /** The listing's SQL, `limit + 1` rows (public so that a test can EXPLAIN exactly what the endpoint runs). */
  sql(filter: AuditFilter): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    // A ticket's rows come from the GIN index, then are sorted: the planner cannot estimate how
    // few rows name one code, and otherwise walks ix_audit_log_at filtering every row (on
    // 200,000 rows, 650 ms against 0.1 ms). MATERIALIZED makes it take the GIN path first.
    const named =
      filter.ticket === undefined
        ? ''
        : `WITH named AS MATERIALIZED (SELECT * FROM audit_log WHERE ticket_codes @> ARRAY[${param(filter.ticket)}::text]) `;
    if (filter.actor !== undefined) {
      where.push(`a.actor_username IS NOT NULL AND lower(a.actor_username) = lower(${param(filter.actor)})`);
    }
    if (filter.action !== undefined) where.push(`a.action = ${param(filter.action)}`);
    if (filter.from !== undefined) where.push(`a.at >= ${param(filter.from)}::timestamptz`);
    if (filter.to !== undefined) where.push(`a.at < ${param(filter.to)}::timestamptz`);
    if (filter.within !== undefined) {
      const column = filter.within.level === 'ward' ? 'code' : `${filter.within.level}_code`;
      const code = param(filter.within.code);
      where.push(
        `(a.actor_unit_code IN (SELECT code FROM units WHERE ${column} = ${code})
          OR a.subject_user_id IN (SELECT su.id FROM users su JOIN units sun ON sun.code = su.unit_code
                                   WHERE sun.${column} = ${code}))`,
      );
    }
    if (filter.cursor !== undefined) {
      const [at, id] = AUDIT_CURSOR.decode(filter.cursor);
      where.push(`(a.at, a.id) < (${param(at)}::timestamptz, ${param(id)}::bigint)`);
    }
    const sql = `${named}SELECT a.id::text AS id, a.at, a.action, a.actor_user_id, a.actor_username, a.actor_role, a.actor_unit_code,
              a.ticket_codes, a.subject_user_id, a.subject_username, a.query, a.details,
              host(a.client_address) AS client_address
       FROM ${filter.ticket === undefined ? 'audit_log' : 'named'} a
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.at DESC, a.id DESC
       LIMIT ${param(filter.limit + 1)}`;
    return { sql, params };
  }

  private parameters(e: AuditEntry, now: Date): unknown[] {
    return [
      e.at ?? now,
      e.actor?.id ?? null,
      e.actor?.username ?? null,
      e.actor?.role ?? null,
      e.actor?.unitCode ?? null,
      e.action,
      [...(e.ticketCodes ?? [])],
      e.subject?.id ?? null,
      e.subject?.username ?? null,
      e.query ? JSON.stringify(scrubPersonalData(e.query)) : null,
      e.details ? JSON.stringify(e.details) : null,
      normalizeClientAddress(e.clientAddress),
    ];
  }
}

function auditRecord(r: AuditRow): AuditRecord {
  return {
    id: r.id,
    at: toVnIso(r.at),
    action: r.action,
    actor: r.actor_user_id
      ? { id: r.actor_user_id, username: r.actor_username!, role: r.actor_role!, unitCode: r.actor_unit_code }
      : null,
    ticketCodes: r.ticket_codes,
    subject: r.subject_user_id ? { id: r.subject_user_id, username: r.subject_username! } : null,
    query: r.query,
    details: r.details,
    clientAddress: r.client_address,
  };
}

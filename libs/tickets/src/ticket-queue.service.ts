import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, KeysetCursor } from '@phananh/core';
import { AuthUser, TicketScope, narrowScope, reachScope, scopeSql } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import {
  IssueType,
  OPEN_STATUS_SQL,
  TICKET_LIST_SELECT,
  TicketListRow,
  TicketStatus,
  isOpen,
  lateSql,
} from '@phananh/ticket-store';
import { TicketView, TicketViews } from './ticket-views';

export interface QueueQuery {
  status?: TicketStatus;
  overdue?: boolean;
  /** The subtree of this unit, intersected with the caller's reach (outside it: an empty page). */
  unitCode?: string;
  campaign?: string;
  issueType?: IssueType;
  /** `mine`: the caller's own tickets; `unassigned`: those nobody has (the unit's). */
  assignee?: QueueAssignee;
  cursor?: string;
  limit: number;
}

export type QueueAssignee = 'mine' | 'unassigned';

export interface QueuePage {
  items: TicketView[];
  nextCursor: string | null;
}

/** The last (due_at, id) seen: the queue's keyset position. */
const QUEUE_CURSOR = new KeysetCursor(['instant', 'bigint']);

export interface QueueSql {
  sql: string;
  params: unknown[];
}

/**
 * The officials' queue: tickets in reach, most urgent first, keyset-paginated on (due_at, id).
 * The scope is one equality on unit_code, district_code or province_code and, for open
 * tickets, the status predicate is OPEN_STATUS_SQL verbatim, so the planner walks
 * ix_tickets_open_{unit,district,province}_due (or ix_tickets_open_due for an admin) in
 * order and stops after `limit` rows: no sort, however many tickets there are. `mine` walks
 * ix_tickets_open_assignee_due, an officer's `unassigned` ix_tickets_open_unassigned_unit_due
 * (a supervisor's: the scope's index, skipping the assigned ones).
 */
@Injectable()
export class TicketQueue {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reference: ReferenceService,
    private readonly views: TicketViews,
  ) {}

  async list(user: AuthUser, query: QueueQuery): Promise<QueuePage> {
    const { sql, params } = this.sql(user, query);
    const rows: TicketListRow[] = await this.db.query(sql, params);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.views.listView(r)),
      // The due instant back from its text: exact to the millisecond, as a Date from pg would be.
      nextCursor: rows.length > query.limit ? QUEUE_CURSOR.encode([new Date(last.dueAt), last.id]) : null,
    };
  }

  /** The page's SQL (public so that a test can EXPLAIN exactly what the endpoint runs). */
  sql(user: AuthUser, query: QueueQuery): QueueSql {
    const cursor = query.cursor === undefined ? undefined : QUEUE_CURSOR.decode(query.cursor);
    const scope: TicketScope = query.unitCode ? narrowScope(user, query.unitCode, this.reference) : reachScope(user);
    const params: unknown[] = [];
    const where = [scopeSql(scope, 't', params)];
    if (!query.status) {
      where.push(`t.status IN ${OPEN_STATUS_SQL}`);
    } else {
      params.push(query.status);
      where.push(`t.status = $${params.length}`);
      // Repeated verbatim so that the planner can prove the partial indexes apply.
      if (isOpen(query.status)) where.push(`t.status IN ${OPEN_STATUS_SQL}`);
    }
    if (query.overdue) {
      // The API's `overdue=true` means late: still open past the deadline, or closed after it.
      params.push(this.clock.now());
      where.push(lateSql('t', `$${params.length}`));
    }
    if (query.campaign) {
      params.push(query.campaign);
      where.push(`t.campaign_code = $${params.length}`);
    }
    if (query.issueType) {
      params.push(query.issueType);
      where.push(`t.issue_type = $${params.length}`);
    }
    if (query.assignee === 'mine') where.push(`t.assignee_id = $${params.push(user.id)}`);
    if (query.assignee === 'unassigned') where.push(`t.assignee_id IS NULL`);
    if (cursor) {
      params.push(...cursor);
      where.push(`(t.due_at, t.id) > ($${params.length - 1}, $${params.length})`);
    }
    params.push(query.limit + 1);
    return {
      sql: `SELECT ${TICKET_LIST_SELECT} FROM tickets t WHERE ${where.join(' AND ')}
            ORDER BY t.due_at, t.id LIMIT $${params.length}`,
      params,
    };
  }
}

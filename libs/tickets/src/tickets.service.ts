import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AppError, Clock, CommonErrors, validationError } from '@phananh/core';
import { AuthUser, Role, reachSql } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { CampaignsService, computeDueAt, freshSlaState } from '@phananh/sla';
import { TicketAction } from './ticket-event.entity';
import { TICKET_COLUMNS, TicketRow } from './ticket-row';
import { PUBLIC_ACTIONS, TRANSITIONS, WorkflowAction } from './ticket-transitions';
import { TicketView, TicketViews } from './ticket-views';
import { TicketErrors, TicketValidation } from './tickets.errors';
import { TicketStatus } from './ticket-status';
import { rejectionReason } from './rejection-reasons';

export type WorkflowInput =
  | { action: WorkflowAction.Start }
  | { action: WorkflowAction.Resolve; resolution: string }
  | { action: WorkflowAction.Defer; reason: string }
  | { action: WorkflowAction.Reject; reasonCode: string; note?: string | null }
  | { action: WorkflowAction.Transfer; unitCode: string; reason: string }
  | { action: WorkflowAction.Comment; text: string }
  | { action: WorkflowAction.Reopen; reason: string };

interface EventFields {
  fromStatus?: TicketStatus | null;
  toStatus?: TicketStatus | null;
  fromUnitCode?: string | null;
  toUnitCode?: string | null;
  note?: string | null;
}

export interface AttachmentLocation {
  id: string;
  contentType: string;
  size: number;
  storageKey: string;
}

/** UPDATE … RETURNING through TypeORM's postgres driver answers [rows, rowCount]. */
function updatedRows(result: unknown): unknown[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? result[0] : (result as unknown[]);
}

/**
 * The officials' workflow on one ticket. Every read is scoped to the caller's reach in the
 * query itself (a ticket outside it is "not found"); every change is one transaction that
 * updates the row only if its version is still the one read (optimistic concurrency: of
 * two simultaneous actions exactly one wins, the other gets 409) and appends the history entry.
 */
@Injectable()
export class TicketsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly views: TicketViews,
    private readonly reference: ReferenceService,
    private readonly campaigns: CampaignsService,
  ) {}

  /** The ticket if it exists and is in the caller's reach; otherwise 404, the same either way. */
  async findInReach(user: AuthUser, trackingCode: string): Promise<TicketRow> {
    const params: unknown[] = [trackingCode];
    const [row] = await this.db.query(
      `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.tracking_code = $1 AND ${reachSql(user, 't', params)}`,
      params,
    );
    if (!row) throw new AppError(TicketErrors.TICKET_NOT_FOUND);
    return row as TicketRow;
  }

  /**
   * The whole ticket, with the full identity number and phone: an official in reach needs
   * them to correct the record, and each such view is kept in the history (not shown to the citizen).
   */
  async detail(user: AuthUser, trackingCode: string): Promise<TicketView> {
    const row = await this.findInReach(user, trackingCode);
    await this.insertEvent(this.db.manager, row.id, user, TicketAction.IdentityViewed, {});
    return this.fullView(row, true);
  }

  async act(user: AuthUser, trackingCode: string, input: WorkflowInput): Promise<TicketView> {
    const transition = TRANSITIONS[input.action];
    if (transition.roles && !transition.roles.includes(user.role)) throw new AppError(CommonErrors.FORBIDDEN);
    const row = await this.findInReach(user, trackingCode);
    if (!transition.from.includes(row.status)) throw new AppError(TicketErrors.TRANSITION_NOT_ALLOWED);
    const now = this.clock.now();
    const set: Record<string, unknown> = {};
    const event: EventFields = { fromStatus: row.status, toStatus: transition.to ?? row.status };

    switch (input.action) {
      case WorkflowAction.Start:
        break;
      case WorkflowAction.Defer:
        event.note = input.reason;
        break;
      case WorkflowAction.Resolve:
        Object.assign(set, { resolution: input.resolution, closed_at: now, sla_next_at: null });
        event.note = input.resolution;
        break;
      case WorkflowAction.Reject: {
        const note = input.note?.trim() || null;
        if (!rejectionReason(input.reasonCode)) throw fieldError('reasonCode', 'isIn');
        if (input.reasonCode === 'OTHER' && !note) throw fieldError('note', 'NOTE_REQUIRED');
        Object.assign(set, {
          rejection_reason_code: input.reasonCode,
          rejection_note: note,
          closed_at: now,
          sla_next_at: null,
        });
        event.note = note ? `${input.reasonCode}: ${note}` : input.reasonCode;
        break;
      }
      case WorkflowAction.Transfer: {
        const target = this.transferTarget(user, row, input.unitCode);
        const lineage = this.reference.lineage(target);
        Object.assign(set, {
          unit_code: target,
          district_code: lineage.find((u) => u.level === 'district')?.code ?? null,
          province_code: lineage[lineage.length - 1].code,
        });
        Object.assign(event, { fromUnitCode: row.unitCode, toUnitCode: target, note: input.reason });
        break;
      }
      case WorkflowAction.Comment:
        event.note = input.text;
        break;
      case WorkflowAction.Reopen: {
        // A new deadline from now, still capped by the campaign's cutoff: past the cutoff
        // it lies in the past, and the SLA sweeper flags the ticket overdue at once.
        const policy = this.campaigns.policyOf(row.campaignCode ? await this.campaigns.byCode(row.campaignCode) : null);
        const dueAt = computeDueAt(now, policy);
        const sla = freshSlaState(dueAt, policy);
        Object.assign(set, {
          due_at: dueAt,
          overdue_since: null,
          sla_stage: sla.slaStage,
          sla_next_at: sla.slaNextAt,
          closed_at: null,
          resolution: null,
          rejection_reason_code: null,
          rejection_note: null,
        });
        event.note = input.reason;
        break;
      }
    }
    if (transition.to) set.status = transition.to;

    await this.db.transaction(async (m) => {
      // A comment changes nothing on the ticket, so it neither bumps the version nor conflicts.
      if (Object.keys(set).length > 0) await this.update(m, row, set, now);
      await this.insertEvent(m, row.id, user, transition.event, event);
    });
    return this.fullView(await this.reload(row.id), false);
  }

  /** Where the caller may read an attachment: only of a ticket in reach (else 404, like a missing one). */
  async attachment(user: AuthUser, trackingCode: string, id: string): Promise<AttachmentLocation> {
    const params: unknown[] = [trackingCode, id];
    const [row] = await this.db.query(
      `SELECT a.id, a.content_type AS "contentType", a.size, a.storage_key AS "storageKey"
       FROM attachments a JOIN tickets t ON t.id = a.ticket_id
       WHERE t.tracking_code = $1 AND a.id::text = $2 AND ${reachSql(user, 't', params)}`,
      params,
    );
    if (!row) throw new AppError(TicketErrors.ATTACHMENT_NOT_FOUND);
    return row as AttachmentLocation;
  }

  /** After a transfer the ticket may have left the caller's reach; the answer still shows the result of the action. */
  private async reload(id: string): Promise<TicketRow> {
    const [row] = await this.db.query(`SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id = $1`, [id]);
    return row as TicketRow;
  }

  private async fullView(row: TicketRow, full: boolean): Promise<TicketView> {
    const [attachments, events] = await Promise.all([
      this.db.query(
        `SELECT id, content_type AS "contentType", size FROM attachments WHERE ticket_id = $1 ORDER BY created_at, id`,
        [row.id],
      ),
      // The cutoff writes only the ticket's flag (CampaignCutoffService); its history entry is
      // the campaign's cutoff instant, shown in place (unless an older build wrote it as a row).
      this.db.query(
        `SELECT at, action, actor_username AS "actorUsername", actor_role AS "actorRole",
                actor_unit_code AS "actorUnitCode", from_status AS "fromStatus", to_status AS "toStatus",
                from_unit_code AS "fromUnitCode", to_unit_code AS "toUnitCode", note, id
         FROM ticket_events WHERE ticket_id = $1
         UNION ALL
         SELECT c.cutoff_at, '${TicketAction.CutoffMissed}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
         FROM tickets t JOIN campaigns c ON c.code = t.campaign_code
         WHERE t.id = $1 AND t.cutoff_missed AND NOT EXISTS (
           SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = '${TicketAction.CutoffMissed}')
         ORDER BY at, id NULLS LAST`,
        [row.id],
      ),
    ]);
    return { ...this.views.view(row, full), attachments, history: this.views.history(events) };
  }

  private transferTarget(user: AuthUser, row: TicketRow, unitCode: string): string {
    const target = this.reference.unit(unitCode);
    if (!target) throw fieldError('unitCode', 'UNIT_UNKNOWN');
    if (target.code === row.unitCode) throw fieldError('unitCode', 'TRANSFER_SAME_UNIT');
    if (user.role !== Role.Admin) {
      const own = user.unitCode ? this.reference.unit(user.unitCode) : undefined;
      if (!own || own.provinceCode !== target.provinceCode) throw fieldError('unitCode', 'TRANSFER_OUTSIDE_PROVINCE');
    }
    return target.code;
  }

  private async update(m: EntityManager, row: TicketRow, set: Record<string, unknown>, now: Date): Promise<void> {
    const params: unknown[] = [row.id, row.version, now];
    const assignments = Object.entries(set).map(([column, value]) => {
      params.push(value);
      return `${column} = $${params.length}`;
    });
    let result: unknown;
    try {
      result = await m.query(
        `UPDATE tickets SET ${assignments.join(', ')}, version = version + 1, updated_at = $3
         WHERE id = $1 AND version = $2 RETURNING id`,
        params,
      );
    } catch (e) {
      const err = e instanceof QueryFailedError ? (e.driverError as { code?: string; constraint?: string }) : {};
      if (err.code === '23505' && err.constraint === 'ux_tickets_open_duplicate') {
        throw new AppError(TicketErrors.DUPLICATE_OPEN);
      }
      throw e;
    }
    if (updatedRows(result).length === 0) throw new AppError(TicketErrors.TICKET_CHANGED);
  }

  private async insertEvent(
    m: EntityManager,
    ticketId: string,
    user: AuthUser,
    action: TicketAction,
    e: EventFields,
  ): Promise<void> {
    await m.query(
      `INSERT INTO ticket_events (ticket_id, at, action, actor_user_id, actor_username, actor_role, actor_unit_code,
         from_status, to_status, from_unit_code, to_unit_code, note, is_public)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        ticketId,
        this.clock.now(),
        action,
        user.id,
        user.username,
        user.role,
        user.unitCode,
        e.fromStatus ?? null,
        e.toStatus ?? null,
        e.fromUnitCode ?? null,
        e.toUnitCode ?? null,
        e.note ?? null,
        PUBLIC_ACTIONS.has(action),
      ],
    );
  }
}

function fieldError(field: string, code: Parameters<typeof TicketValidation.fieldError>[1]): AppError {
  return validationError([TicketValidation.fieldError(field, code)]);
}

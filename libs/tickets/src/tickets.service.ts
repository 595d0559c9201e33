import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, Clock, CommonErrors, validationError } from '@phananh/core';
import { AuthUser, isNationalAdmin, reachSql } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { uniqueViolation } from '@phananh/database';
import { CampaignsService, computeDueAt, freshSlaState } from '@phananh/sla';
import {
  NewTicketEvent,
  OPEN_DUPLICATE_CONSTRAINT,
  Queryable,
  TICKET_ROW_SELECT,
  TicketAction,
  TicketRecord,
  TicketRow,
  TicketStatus,
  TicketStore,
} from '@phananh/ticket-store';
import { TRANSITIONS, WorkflowAction } from './ticket-transitions';
import { AttachmentRef, TicketView, TicketViews } from './ticket-views';
import {
  DuplicateRow,
  MERGE_PAIR_SQL,
  TICKET_FILES_SQL,
  possibleDuplicatesSql,
  ticketFileSql,
} from './possible-duplicates';
import { TicketErrors, TicketValidation } from './tickets.errors';
import { rejectionReason } from './rejection-reasons';

export type WorkflowInput =
  | { action: WorkflowAction.Start }
  | { action: WorkflowAction.Resolve; resolution: string }
  | { action: WorkflowAction.Defer; reason: string }
  | { action: WorkflowAction.Reject; reasonCode: string; note?: string | null }
  | { action: WorkflowAction.Transfer; unitCode: string; reason: string }
  | { action: WorkflowAction.Comment; text: string }
  | { action: WorkflowAction.Reopen; reason: string }
  | { action: WorkflowAction.Merge; into: string; note?: string | null };

interface EventFields {
  fromStatus?: TicketStatus | null;
  toStatus?: TicketStatus | null;
  fromUnitCode?: string | null;
  toUnitCode?: string | null;
  fromAssigneeId?: string | null;
  toAssigneeId?: string | null;
  note?: string | null;
}

/** A change of one ticket inside a transaction of the caller's (bulk actions): see TicketsService.change. */
export interface TicketChange {
  q: Queryable;
  user: AuthUser;
  /** The ticket as read in the caller's reach (findManyInReach). */
  row: TicketRow;
  /** The version the client saw: the change is made only if the ticket still has it. */
  expectedVersion: number;
  /**
   * Where the history entry goes when given, for the caller to append in the same transaction
   * (a bulk action appends all of its entries in one statement); otherwise it is inserted at once.
   */
  events?: NewTicketEvent[];
}

/** What a ticket is after a change. */
export interface ChangeOutcome {
  status: TicketStatus;
  version: number;
}

export interface AttachmentLocation {
  id: string;
  contentType: string;
  size: number;
  storageKey: string;
  /** SHA-256 of the content, checked when the file is read. */
  sha256: Buffer;
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
    private readonly store: TicketStore,
  ) {}

  /** The ticket if it exists and is in the caller's reach; otherwise 404, the same either way. */
  async findInReach(user: AuthUser, trackingCode: string): Promise<TicketRow> {
    const params: unknown[] = [trackingCode];
    const [row] = await this.db.query(
      `SELECT ${TICKET_ROW_SELECT} FROM tickets t WHERE t.tracking_code = $1 AND ${reachSql(user, 't', params)}`,
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
    // An erased ticket shows no identity number: there is no view of one to record.
    if (!row.piiErasedAt) await this.insertEvent(this.db.manager, row.id, user, TicketAction.IdentityViewed, {});
    return this.fullView(user, row, true);
  }

  /**
   * The tickets of `trackingCodes` that exist and are in the caller's reach, in one query (the
   * bulk actions' read): a code missing from the answer is unknown or out of reach, alike.
   */
  async findManyInReach(user: AuthUser, trackingCodes: readonly string[]): Promise<TicketRow[]> {
    const params: unknown[] = [trackingCodes];
    return this.db.query(
      `SELECT ${TICKET_ROW_SELECT} FROM tickets t WHERE t.tracking_code = ANY ($1::text[]) AND ${reachSql(user, 't', params)}`,
      params,
    );
  }

  async act(user: AuthUser, trackingCode: string, input: WorkflowInput): Promise<TicketView> {
    const transition = TRANSITIONS[input.action];
    if (transition.roles && !transition.roles.includes(user.role)) throw new AppError(CommonErrors.FORBIDDEN);
    if (input.action === WorkflowAction.Merge) return this.merge(user, trackingCode, input.into, input.note ?? null);
    const row = await this.findInReach(user, trackingCode);
    await this.db.transaction((m) => this.apply(m, user, row, input));
    return this.fullView(user, await this.reload(row.id), false);
  }

  /**
   * The single-ticket change that bulk actions apply to each of their tickets: the same checks,
   * update and history entry as `act`, inside the caller's transaction `c.q`, on the row as the
   * caller read it, and only if the ticket still has the version the client saw
   * (`expectedVersion`; else TICKET_CHANGED). Answers the ticket's new status and version.
   */
  async change(
    c: TicketChange,
    input: Exclude<WorkflowInput, { action: WorkflowAction.Merge }>,
  ): Promise<ChangeOutcome> {
    const transition = TRANSITIONS[input.action];
    if (transition.roles && !transition.roles.includes(c.user.role)) throw new AppError(CommonErrors.FORBIDDEN);
    if (c.row.version !== c.expectedVersion) throw new AppError(TicketErrors.TICKET_CHANGED);
    return this.apply(c.q, c.user, c.row, input, c.events);
  }

  /**
   * The checks of an action's input that do not depend on the ticket (a bulk action runs them
   * once, before any ticket): a standard rejection reason, a note with OTHER, a transfer to a
   * known unit of the caller's province.
   */
  checkInput(user: AuthUser, input: WorkflowInput): void {
    if (input.action === WorkflowAction.Reject) {
      if (!rejectionReason(input.reasonCode)) throw fieldError('reasonCode', 'isIn');
      if (input.reasonCode === 'OTHER' && !input.note?.trim()) throw fieldError('note', 'NOTE_REQUIRED');
    }
    if (input.action === WorkflowAction.Transfer) this.transferUnit(user, input.unitCode);
  }

  /** One workflow step on a ticket read in reach, in the transaction `m`: its checks, the versioned update, the history entry. */
  private async apply(
    m: Queryable,
    user: AuthUser,
    row: TicketRow,
    input: Exclude<WorkflowInput, { action: WorkflowAction.Merge }>,
    events?: NewTicketEvent[],
  ): Promise<ChangeOutcome> {
    const transition = TRANSITIONS[input.action];
    this.checkInput(user, input);
    // Erased tickets are closed for good: a reopened one would be work without a citizen, and a
    // comment would bring free text back after the end of its retention.
    if (row.piiErasedAt) throw new AppError(TicketErrors.TICKET_ERASED);
    if (!transition.from.includes(row.status)) throw new AppError(TicketErrors.TRANSITION_NOT_ALLOWED);
    const now = this.clock.now();
    const set: Partial<TicketRecord> = {};
    const event: EventFields = { fromStatus: row.status, toStatus: transition.to ?? row.status };
    switch (input.action) {
      case WorkflowAction.Start:
        break;
      case WorkflowAction.Defer:
        event.note = input.reason;
        break;
      case WorkflowAction.Resolve:
        Object.assign(set, { resolution: input.resolution, closedAt: now, slaNextAt: null });
        event.note = input.resolution;
        break;
      case WorkflowAction.Reject: {
        const note = input.note?.trim() || null;
        Object.assign(set, {
          rejectionReasonCode: input.reasonCode,
          rejectionNote: note,
          closedAt: now,
          slaNextAt: null,
        });
        event.note = note ? `${input.reasonCode}: ${note}` : input.reasonCode;
        break;
      }
      case WorkflowAction.Transfer: {
        const target = this.transferTarget(user, row, input.unitCode);
        const lineage = this.reference.lineage(target);
        // The new unit's ticket: nobody there has it yet (the unit's distribution may hand it out below).
        Object.assign(set, {
          unitCode: target,
          districtCode: lineage.find((u) => u.level === 'district')?.code ?? null,
          provinceCode: lineage[lineage.length - 1].code,
          assigneeId: null,
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
          dueAt,
          overdueSince: null,
          slaStage: sla.slaStage,
          slaNextAt: sla.slaNextAt,
          closedAt: null,
          resolution: null,
          rejectionReasonCode: null,
          rejectionNote: null,
        });
        // Back to whoever had it, unless their account was disabled (or moved) meanwhile: then the unit's.
        if (row.assigneeId && !(await this.activeInUnit(row.assigneeId, row.unitCode))) set.assigneeId = null;
        event.note = input.reason;
        break;
      }
    }
    if (transition.to) set.status = transition.to;

    // A comment changes nothing on the ticket, so it neither bumps the version nor conflicts;
    // it only makes sure that the retention job has not erased the ticket meanwhile.
    const changes = Object.keys(set).length > 0;
    if (changes) await this.update(m, row, set, now);
    else await this.lockUnerased(m, row.id);
    const entries = [this.event(row.id, user, transition.event, event)];
    // An official's ticket given back to the unit (a transfer; a reopen after they left) says so in the history.
    if (row.assigneeId && set.assigneeId === null) {
      const { toStatus } = event;
      entries.push(
        this.event(row.id, user, TicketAction.AssigneeChanged, {
          fromStatus: toStatus,
          toStatus,
          fromAssigneeId: row.assigneeId,
        }),
      );
    }
    if (input.action === WorkflowAction.Transfer) {
      // The transfer's entries go first, then the new unit's distribution may hand the ticket out.
      await this.store.appendEvents(m, entries);
      await this.store.distributeArrivals(m, [row.trackingCode], now);
    } else if (events) events.push(...entries);
    else await this.store.appendEvents(m, entries);
    return { status: set.status ?? row.status, version: changes ? row.version + 1 : row.version };
  }

  private async activeInUnit(userId: string, unitCode: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM users WHERE id = $1 AND unit_code = $2 AND disabled_at IS NULL`, [
      userId,
      unitCode,
    ]);
    return rows.length > 0;
  }

  /** The ticket (by id) as an action's answer shows it, whether or not it is still in the caller's reach. */
  async viewAfterChange(user: AuthUser, id: string): Promise<TicketView> {
    return this.fullView(user, await this.reload(id), false);
  }

  /**
   * Folds the open report `trackingCode` into `intoCode`, the one kept: both in the caller's
   * reach (the kept one unknown or outside it: MERGE_TARGET_NOT_FOUND, alike), the same
   * citizen's, linked as possible duplicates, the kept one open. The merged report ends
   * MERGED pointing at the kept one, closed, off the SLA ladder; its history and files stay
   * (the kept report's view lists its files too). The kept report changes only by a history
   * entry, but its version is checked as well: both are locked and checked in one
   * transaction, so if either changed since it was read nothing is written (TICKET_CHANGED).
   */
  private async merge(user: AuthUser, trackingCode: string, intoCode: string, note: string | null) {
    const transition = TRANSITIONS[WorkflowAction.Merge];
    const row = await this.findInReach(user, trackingCode);
    const into = intoCode.trim();
    if (into === row.trackingCode) throw fieldError('into', 'MERGE_SAME_TICKET');
    if (!transition.from.includes(row.status)) throw new AppError(TicketErrors.TRANSITION_NOT_ALLOWED);
    const kept = await this.findInReach(user, into).catch((err: unknown) => {
      throw err instanceof AppError && err.def === TicketErrors.TICKET_NOT_FOUND
        ? new AppError(TicketErrors.MERGE_TARGET_NOT_FOUND)
        : err;
    });
    const [pair]: { sameCitizen: boolean; linked: boolean }[] = await this.db.query(MERGE_PAIR_SQL, [row.id, kept.id]);
    if (!pair?.sameCitizen) throw new AppError(TicketErrors.MERGE_OTHER_CITIZEN);
    if (!pair.linked) throw new AppError(TicketErrors.MERGE_NOT_LINKED);
    if (!transition.from.includes(kept.status)) throw new AppError(TicketErrors.MERGE_TARGET_CLOSED);

    const now = this.clock.now();
    const text = note?.trim() || null;
    const actor = {
      at: now,
      actorUserId: user.id,
      actorUsername: user.username,
      actorRole: user.role,
      actorUnitCode: user.unitCode,
    };
    await this.db.transaction(async (m) => {
      if (!(await this.store.lockVersions(m, [row, kept]))) throw new AppError(TicketErrors.TICKET_CHANGED);
      await this.update(
        m,
        row,
        { status: TicketStatus.Merged, mergedInto: kept.id, closedAt: now, slaNextAt: null },
        now,
      );
      await this.store.appendEvents(m, [
        {
          ...actor,
          ticketId: row.id,
          action: transition.event,
          fromStatus: row.status,
          toStatus: TicketStatus.Merged,
          note: text ? `${kept.trackingCode}: ${text}` : kept.trackingCode,
        },
        {
          ...actor,
          ticketId: kept.id,
          action: TicketAction.MergedFrom,
          fromStatus: kept.status,
          toStatus: kept.status,
          note: text ? `${row.trackingCode}: ${text}` : row.trackingCode,
        },
      ]);
    });
    return this.fullView(user, await this.reload(row.id), false);
  }

  /**
   * Where the caller may read an attachment: only of a ticket in reach (else 404, like a missing
   * one), and only while it exists (an erased ticket's files are gone: 404 too).
   */
  async attachment(user: AuthUser, trackingCode: string, id: string): Promise<AttachmentLocation> {
    const params: unknown[] = [trackingCode, id];
    // The ticket's own files, and those of the reports merged into it (listed in its view).
    const [row] = await this.db.query(ticketFileSql(reachSql(user, 't', params)), params);
    if (!row) throw new AppError(TicketErrors.ATTACHMENT_NOT_FOUND);
    return row as AttachmentLocation;
  }

  /** After a transfer the ticket may have left the caller's reach; the answer still shows the result of the action. */
  private async reload(id: string): Promise<TicketRow> {
    const [row] = await this.db.query(`SELECT ${TICKET_ROW_SELECT} FROM tickets t WHERE t.id = $1`, [id]);
    return row as TicketRow;
  }

  private async fullView(user: AuthUser, row: TicketRow, full: boolean): Promise<TicketView> {
    const reachParams: unknown[] = [row.id];
    const duplicatesSql = possibleDuplicatesSql(reachSql(user, 'd', reachParams));
    const [attachments, events, duplicates, mergedInto] = await Promise.all([
      this.db.query(TICKET_FILES_SQL, [row.id]) as Promise<AttachmentRef[]>,
      // The cutoff writes only the ticket's flag (CampaignCutoffService); its history entry is
      // the campaign's cutoff instant, shown in place (unless an older build wrote it as a row).
      this.db.query(
        `SELECT at, action, actor_username AS "actorUsername", actor_role AS "actorRole",
                actor_unit_code AS "actorUnitCode", from_status AS "fromStatus", to_status AS "toStatus",
                from_unit_code AS "fromUnitCode", to_unit_code AS "toUnitCode",
                (SELECT u.username FROM users u WHERE u.id = from_assignee_id) AS "fromAssignee",
                (SELECT u.username FROM users u WHERE u.id = to_assignee_id) AS "toAssignee", note, id
         FROM ticket_events WHERE ticket_id = $1
         UNION ALL
         SELECT c.cutoff_at, '${TicketAction.CutoffMissed}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                NULL, NULL
         FROM tickets t JOIN campaigns c ON c.code = t.campaign_code
         WHERE t.id = $1 AND t.cutoff_missed AND NOT EXISTS (
           SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = '${TicketAction.CutoffMissed}')
         ORDER BY at, id NULLS LAST`,
        [row.id],
      ),
      this.db.query(duplicatesSql, reachParams) as Promise<DuplicateRow[]>,
      row.status === TicketStatus.Merged
        ? (this.db.query(
            `SELECT k.tracking_code AS "trackingCode" FROM tickets t JOIN tickets k ON k.id = t.merged_into WHERE t.id = $1`,
            [row.id],
          ) as Promise<{ trackingCode: string }[]>)
        : [],
    ]);
    return {
      ...this.views.view(row, full),
      mergedInto: mergedInto[0]?.trackingCode ?? null,
      attachments: attachments.map((a) => ({
        id: a.id,
        contentType: a.contentType,
        size: a.size,
        fromTrackingCode: a.fromTrackingCode,
      })),
      history: this.views.history(events),
      possibleDuplicates: duplicates.map((d) => this.views.possibleDuplicate(d)),
    };
  }

  private transferTarget(user: AuthUser, row: TicketRow, unitCode: string): string {
    const target = this.transferUnit(user, unitCode);
    if (target === row.unitCode) throw fieldError('unitCode', 'TRANSFER_SAME_UNIT');
    return target;
  }

  /** A unit the caller may transfer tickets to: known, and in the own province (admins: any). */
  private transferUnit(user: AuthUser, unitCode: string): string {
    const target = this.reference.unit(unitCode);
    if (!target) throw fieldError('unitCode', 'UNIT_UNKNOWN');
    if (!isNationalAdmin(user)) {
      const own = user.unitCode ? this.reference.unit(user.unitCode) : undefined;
      if (!own || own.provinceCode !== target.provinceCode) throw fieldError('unitCode', 'TRANSFER_OUTSIDE_PROVINCE');
    }
    return target.code;
  }

  /**
   * Holds the ticket against the retention job until the transaction ends (FOR SHARE: its claim
   * skips the row), or fails if the job erased it after the ticket was read: a note written now
   * would outlive the erasure of the others.
   */
  private async lockUnerased(m: Queryable, id: string): Promise<void> {
    const rows = await m.query(`SELECT id FROM tickets WHERE id = $1 AND pii_erased_at IS NULL FOR SHARE`, [id]);
    if (!rows.length) throw new AppError(TicketErrors.TICKET_ERASED);
  }

  private async update(m: Queryable, row: TicketRow, set: Partial<TicketRecord>, now: Date): Promise<void> {
    let changed: boolean;
    try {
      changed = await this.store.update(m, row.id, row.version, set, now);
    } catch (err) {
      if (uniqueViolation(err) === OPEN_DUPLICATE_CONSTRAINT) throw new AppError(TicketErrors.DUPLICATE_OPEN);
      throw err;
    }
    if (!changed) throw new AppError(TicketErrors.TICKET_CHANGED);
  }

  private async insertEvent(
    m: Queryable,
    ticketId: string,
    user: AuthUser,
    action: TicketAction,
    e: EventFields,
  ): Promise<void> {
    await this.store.appendEvents(m, [this.event(ticketId, user, action, e)]);
  }

  /** A history entry by `user`, now. */
  private event(ticketId: string, user: AuthUser, action: TicketAction, e: EventFields): NewTicketEvent {
    return {
      ticketId,
      at: this.clock.now(),
      action,
      actorUserId: user.id,
      actorUsername: user.username,
      actorRole: user.role,
      actorUnitCode: user.unitCode,
      ...e,
    };
  }
}

function fieldError(field: string, code: Parameters<typeof TicketValidation.fieldError>[1]): AppError {
  return validationError([TicketValidation.fieldError(field, code)]);
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, Clock, CommonErrors, validationError } from '@phananh/core';
import { AuthUser, Role, unitInReach } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { NewTicketEvent, Queryable, TicketAction, TicketRow, TicketStore, isOpen } from '@phananh/ticket-store';
import { TicketView } from './ticket-views';
import { ChangeOutcome, TicketChange, TicketsService } from './tickets.service';
import { TicketErrors, TicketValidation } from './tickets.errors';

/** An official a ticket can be assigned to: active, of the ticket's unit, officer or supervisor. */
export interface AssigneeCandidate {
  id: string;
  username: string;
  fullName: string;
  role: Role;
}

/** A unit's automatic distribution (docs/api.md, "Personal assignment"). */
export interface DistributionView {
  unitCode: string;
  enabled: boolean;
  /** The unit's active officers: those the rotation hands tickets to. */
  activeOfficers: number;
}

/** The roles that can have a ticket: admins act on tickets but are nobody's colleague in a unit. */
const ASSIGNABLE_ROLES = [Role.Officer, Role.Supervisor];

/**
 * Personal assignment: an official of the ticket's unit claims it, a supervisor (or admin) in
 * reach assigns it to an active official of its unit or back to the unit, the assignee or a
 * supervisor gives it back. Each change is one transaction that writes the ticket only if its
 * version is still the one read (or the one the client sent: TICKET_CHANGED otherwise) and
 * appends an ASSIGNEE_CHANGED entry. The new assignee's account row is locked (FOR SHARE) in
 * that transaction: an account disabled meanwhile is refused, and one being disabled waits, then
 * gets its tickets released (releaseAccount) with this one among them.
 */
@Injectable()
export class TicketAssignments {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly store: TicketStore,
    private readonly reference: ReferenceService,
  ) {}

  /** The caller takes the ticket: an officer or supervisor of its unit, while nobody else has it. */
  async claim(user: AuthUser, trackingCode: string, version?: number): Promise<TicketView> {
    return this.change(user, trackingCode, version, (row) => {
      if (!ASSIGNABLE_ROLES.includes(user.role) || user.unitCode !== row.unitCode) {
        throw new AppError(TicketErrors.CLAIM_NOT_OWN_UNIT);
      }
      if (row.assigneeId && row.assigneeId !== user.id) throw new AppError(TicketErrors.ALREADY_ASSIGNED);
      return user.id;
    });
  }

  /** A supervisor or admin in reach gives the ticket to an active official of its unit, or (null) back to the unit. */
  async assign(user: AuthUser, trackingCode: string, assigneeId: string | null, version?: number) {
    this.checkAssigner(user);
    return this.change(user, trackingCode, version, () => assigneeId);
  }

  /** Only supervisors and admins assign (a bulk assign checks it once, before any ticket). */
  checkAssigner(user: AuthUser): void {
    if (user.role !== Role.Supervisor && user.role !== Role.Admin) throw new AppError(CommonErrors.FORBIDDEN);
  }

  /**
   * `assign` on one ticket already read in reach, inside the caller's transaction: the step of
   * the bulk action `assign` (BULK_ACTIONS), with the same checks, write and history entry.
   */
  async assignIn(c: TicketChange, assigneeId: string | null): Promise<ChangeOutcome> {
    const { row } = c;
    if (c.expectedVersion !== row.version) throw new AppError(TicketErrors.TICKET_CHANGED);
    this.checkAssignable(row);
    if (assigneeId === row.assigneeId) return { status: row.status, version: row.version };
    await this.write(c.q, c.user, row, assigneeId, this.clock.now(), c.events);
    return { status: row.status, version: row.version + 1 };
  }

  /** Back to the unit: by the assignee, or by a supervisor or admin in reach. */
  async unassign(user: AuthUser, trackingCode: string, version?: number): Promise<TicketView> {
    return this.change(user, trackingCode, version, (row) => {
      const supervising = user.role === Role.Supervisor || user.role === Role.Admin;
      if (!supervising && row.assigneeId !== user.id) throw new AppError(CommonErrors.FORBIDDEN);
      return null;
    });
  }

  /** Who the ticket can be assigned to: the active officers and supervisors of its unit, by username. */
  async candidates(user: AuthUser, trackingCode: string): Promise<AssigneeCandidate[]> {
    const row = await this.tickets.findInReach(user, trackingCode);
    return this.db.query(
      `SELECT id, username, full_name AS "fullName", role FROM users
       WHERE unit_code = $1 AND role = ANY ($2::text[]) AND disabled_at IS NULL
       ORDER BY lower(username)`,
      [row.unitCode, ASSIGNABLE_ROLES],
    );
  }

  /** A unit's automatic distribution, for a supervisor or admin whose reach holds the unit (else 404). */
  async distribution(user: AuthUser, unitCode: string): Promise<DistributionView> {
    this.checkUnit(user, unitCode);
    const [row]: DistributionView[] = await this.db.query(
      `SELECT $1::varchar AS "unitCode",
              coalesce((SELECT enabled FROM unit_distribution WHERE unit_code = $1), false) AS enabled,
              (SELECT count(*)::int FROM users
               WHERE unit_code = $1 AND role = '${Role.Officer}' AND disabled_at IS NULL) AS "activeOfficers"`,
      [unitCode],
    );
    return row;
  }

  /** Switches a unit's automatic distribution on or off (tickets arriving from then on). */
  async setDistribution(user: AuthUser, unitCode: string, enabled: boolean): Promise<DistributionView> {
    this.checkUnit(user, unitCode);
    await this.db.query(
      `INSERT INTO unit_distribution (unit_code, enabled, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (unit_code) DO UPDATE
         SET enabled = excluded.enabled, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [unitCode, enabled, this.clock.now(), user.id],
    );
    this.store.distributionChanged();
    return this.distribution(user, unitCode);
  }

  /**
   * Gives a disabled official's open tickets back to their units, with history, inside the
   * transaction that disables the account (UsersService.onAccountDisabled, wired in apps/api).
   */
  releaseAccount(q: Queryable, userId: string, now: Date): Promise<number> {
    return this.store.releaseAssignee(q, userId, now);
  }

  private checkUnit(user: AuthUser, unitCode: string): void {
    if (user.role !== Role.Supervisor && user.role !== Role.Admin) throw new AppError(CommonErrors.FORBIDDEN);
    if (!unitInReach(user, unitCode, this.reference)) throw new AppError(TicketErrors.UNIT_NOT_FOUND);
  }

  private async change(
    user: AuthUser,
    trackingCode: string,
    version: number | undefined,
    decide: (row: TicketRow) => string | null,
  ): Promise<TicketView> {
    const row = await this.tickets.findInReach(user, trackingCode);
    if (version !== undefined && version !== row.version) throw new AppError(TicketErrors.TICKET_CHANGED);
    this.checkAssignable(row);
    const to = decide(row);
    // Nothing to change (already this official's, or already the unit's): no version bump, no entry.
    if (to === row.assigneeId) return this.tickets.viewAfterChange(user, row.id);
    await this.db.transaction((m) => this.write(m, user, row, to, this.clock.now()));
    return this.tickets.viewAfterChange(user, row.id);
  }

  private checkAssignable(row: TicketRow): void {
    if (row.piiErasedAt) throw new AppError(TicketErrors.TICKET_ERASED);
    if (!isOpen(row.status)) throw new AppError(TicketErrors.TRANSITION_NOT_ALLOWED);
  }

  /**
   * The assignee change in transaction `m`: the new assignee must be an active official of the
   * ticket's unit (their row locked FOR SHARE), the ticket still at the version read, and an
   * ASSIGNEE_CHANGED entry appended (into `events` when the caller appends them together).
   */
  private async write(
    m: Queryable,
    user: AuthUser,
    row: TicketRow,
    to: string | null,
    now: Date,
    events?: NewTicketEvent[],
  ): Promise<void> {
    if (to !== null) {
      const [active] = await m.query(
        `SELECT id FROM users
         WHERE id = $1 AND unit_code = $2 AND role = ANY ($3::text[]) AND disabled_at IS NULL
         FOR SHARE`,
        [to, row.unitCode, ASSIGNABLE_ROLES],
      );
      if (!active) throw validationError([TicketValidation.fieldError('assigneeId', 'ASSIGNEE_NOT_IN_UNIT')]);
    }
    if (!(await this.store.update(m, row.id, row.version, { assigneeId: to }, now))) {
      throw new AppError(TicketErrors.TICKET_CHANGED);
    }
    const entry: NewTicketEvent = {
      ticketId: row.id,
      at: now,
      action: TicketAction.AssigneeChanged,
      actorUserId: user.id,
      actorUsername: user.username,
      actorRole: user.role,
      actorUnitCode: user.unitCode,
      fromStatus: row.status,
      toStatus: row.status,
      fromAssigneeId: row.assigneeId,
      toAssigneeId: to,
    };
    if (events) events.push(entry);
    else await this.store.appendEvents(m, [entry]);
  }
}

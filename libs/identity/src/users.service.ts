import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditAction, AuditEntry, AuditLog, AuditQueryable } from '@phananh/audit';
import { AppError, Clock, FieldError, UUID, validationError } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import type { AuthUser } from './auth-user';
import { IdentityErrors } from './identity.errors';
import { AccountValidation, ImportProblem, parseOfficialsCsv } from './officials-import';
import { hashPassword, hashTemporaryPassword, temporaryPassword } from './passwords';
import { adminReach, scopeHasUnit, subtreeScope, unitScopeSql } from './reach';
import { Role } from './role';
import { USER_COLUMNS, User } from './user';

export interface NewUser {
  username: string;
  /** The official's password; none: a temporary one is made (see `temporaryPassword` in the answer). */
  password?: string;
  fullName: string;
  role: Role;
  unitCode?: string | null;
  email?: string | null;
  /** Default true: the official must choose a password at first login (only the start-up admin and tests pass false). */
  passwordChangeRequired?: boolean;
}

/** What happens to an account's belongings when it is disabled (UsersService.onAccountDisabled). */
export type AccountDisabledListener = (manager: EntityManager, userId: string, now: Date) => Promise<unknown>;

export interface UserListQuery {
  /** Officials of this unit's subtree (a province: all its districts and wards). */
  unitCode?: string;
  role?: Role;
  /** true: enabled accounts only; false: disabled ones only. */
  enabled?: boolean;
  /** true: with a second factor enrolled; false: without. */
  totpEnrolled?: boolean;
  /** Last login before this instant, or never (accounts gone quiet). */
  lastLoginBefore?: Date;
  /** Last login at or after this instant. */
  lastLoginSince?: Date;
  /** Usernames (lower-cased) after this one; the list is ordered by lower(username). */
  after?: string;
  limit: number;
}

/** What AuthService needs of the caller (UsersService.forAuth). */
export type AuthRow = Pick<
  User,
  | 'id'
  | 'username'
  | 'role'
  | 'unitCode'
  | 'fullName'
  | 'disabledAt'
  | 'sessionEpoch'
  | 'passwordChangeRequired'
  | 'totpEnrolledAt'
> & { sessionLive: boolean };

/** What an admin may change of an official; an absent key is left as it is. */
export interface UserChanges {
  role?: Role;
  unitCode?: string | null;
  email?: string | null;
}

/** The request facts an audited action keeps besides its actor. */
export interface AdminRequest {
  clientAddress?: string | null;
}

/** The answer of a dry run, and of an import that failed: every problem of every row. */
export interface ImportReport {
  rows: number;
  problems: ImportProblem[];
}

/** One official an import created, with the password to hand over (shown once, never stored as such). */
export interface ImportedOfficial {
  id: string;
  username: string;
  fullName: string;
  role: Role;
  unitCode: string | null;
  email: string | null;
  temporaryPassword: string;
}

/** Rows per audit INSERT of an import (12 parameters each, under PostgreSQL's 65,535). */
const AUDIT_BATCH = 2_000;

/** The fields of an account an admin changes, as the audit log shows them before and after. */
const CHANGEABLE = ['role', 'unitCode', 'email'] as const;

const isUniqueViolation = (e: unknown) =>
  e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505';

/**
 * Officials' accounts: created, changed, disabled and enabled by admins, never deleted (their
 * names stay in ticket histories). Every administration goes through a method here that takes
 * the acting admin: it finds the target only inside the admin's reach (adminReach: a provincial
 * admin their province, 404 outside, as tickets) and writes its audit row in the same
 * transaction as the change.
 */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reference: ReferenceService,
    private readonly audit: AuditLog,
  ) {}

  private readonly staffingListeners: (() => void)[] = [];

  /**
   * Called after an official is created, disabled, enabled or moved. Routing subscribes (wired in
   * apps/api, since routing depends on tickets, which depends on identity) to drop its staffed-units cache.
   */
  onStaffingChange(listener: () => void): void {
    this.staffingListeners.push(listener);
  }

  private staffingChanged(): void {
    for (const listener of this.staffingListeners) listener();
  }

  private readonly disabledListeners: AccountDisabledListener[] = [];

  /**
   * Called inside the transaction that disables an account, after its row is updated: the
   * tickets side subscribes (wired in apps/api, like onStaffingChange) to give the official's
   * open tickets back to their units, so that a disabled account never keeps one.
   */
  onAccountDisabled(listener: AccountDisabledListener): void {
    this.disabledListeners.push(listener);
  }

  /** The one hook of disabling an account: run it in the disabling transaction. */
  private async accountDisabled(manager: EntityManager, userId: string, now: Date): Promise<void> {
    for (const listener of this.disabledListeners) await listener(manager, userId, now);
  }

  /**
   * Creates an account (no reach check, no audit: the start-up admin and tests; admins go through
   * createManaged). Without a password a temporary one is made and answered once.
   */
  async create(
    input: NewUser,
    manager: EntityManager = this.db.manager,
  ): Promise<User & { temporaryPassword?: string }> {
    const unitCode = input.unitCode ?? null;
    const errors: FieldError[] = [];
    if (unitCode && !this.reference.unit(unitCode)) {
      errors.push(AccountValidation.fieldError('unitCode', 'UNIT_UNKNOWN'));
    } else if (!unitCode && input.role !== Role.Admin) {
      errors.push(AccountValidation.fieldError('unitCode', 'UNIT_REQUIRED'));
    }
    if (errors.length) throw validationError(errors);
    // null as absent: the HTTP layer's @IsOptional() lets a JSON null through.
    const temporary = input.password == null ? temporaryPassword() : undefined;
    const passwordHash =
      temporary !== undefined ? hashTemporaryPassword(temporary) : await hashPassword(input.password!);
    try {
      const rows: User[] = await manager.query(
        `INSERT INTO users AS u (username, password_hash, full_name, role, unit_code, email, created_at,
                                 password_change_required)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING ${USER_COLUMNS}`,
        [
          input.username,
          passwordHash,
          input.fullName,
          input.role,
          unitCode,
          input.email ?? null,
          this.clock.now(),
          input.passwordChangeRequired ?? true,
        ],
      );
      // A unit that gets its first official starts receiving its reports at once.
      this.staffingChanged();
      return temporary === undefined ? rows[0] : { ...rows[0], temporaryPassword: temporary };
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError(IdentityErrors.USERNAME_TAKEN);
      throw e;
    }
  }

  /** An admin creates an official in their reach (audited); `password_change_required` is set. */
  async createManaged(
    actor: AuthUser,
    input: Omit<NewUser, 'passwordChangeRequired'>,
    request: AdminRequest = {},
  ): Promise<User & { temporaryPassword?: string }> {
    this.assertUnitInReach(actor, input.unitCode ?? null, input.role);
    return this.db.transaction(async (m) => {
      const user = await this.create({ ...input, passwordChangeRequired: true }, m);
      await this.audit.record(
        {
          action: AuditAction.UserCreated,
          actor,
          subject: user,
          details: { role: user.role, unitCode: user.unitCode, email: user.email, fullName: user.fullName },
          clientAddress: request.clientAddress,
        },
        m,
      );
      return user;
    });
  }

  /** Officials in the actor's reach, filtered, by lower(username): keyset pages. */
  async list(actor: AuthUser, query: UserListQuery): Promise<User[]> {
    const params: unknown[] = [];
    // Only the filters given enter the statement (push returns the new length: the placeholder's number).
    const where: string[] = [unitScopeSql(adminReach(actor), 'un', params)];
    if (query.unitCode) {
      const unit = this.reference.unit(query.unitCode);
      // A unit outside the reach narrows to nothing, as the ticket queue's filter does.
      if (!unit) return [];
      where.push(unitScopeSql(subtreeScope(unit), 'un', params));
    }
    if (query.role) where.push(`u.role = $${params.push(query.role)}`);
    if (query.enabled !== undefined) where.push(`u.disabled_at IS ${query.enabled ? '' : 'NOT '}NULL`);
    if (query.totpEnrolled !== undefined) {
      where.push(`u.totp_enrolled_at IS ${query.totpEnrolled ? 'NOT ' : ''}NULL`);
    }
    if (query.lastLoginBefore) {
      where.push(`(u.last_login_at IS NULL OR u.last_login_at < $${params.push(query.lastLoginBefore)})`);
    }
    if (query.lastLoginSince) where.push(`u.last_login_at >= $${params.push(query.lastLoginSince)}`);
    if (query.after !== undefined) where.push(`lower(u.username) > $${params.push(query.after)}`);
    return this.db.query(
      `SELECT ${USER_COLUMNS} FROM users u LEFT JOIN units un ON un.code = u.unit_code
       WHERE ${where.join(' AND ')}
       ORDER BY lower(u.username) LIMIT $${params.push(query.limit)}`,
      params,
    );
  }

  async byId(id: string): Promise<User | null> {
    if (!UUID.test(id)) return null;
    const [row] = await this.db.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
    return row ?? null;
  }

  /**
   * The official `id` if the actor administers them, else USER_NOT_FOUND (404): an official
   * of another province answers exactly as one that does not exist. Every admin action on an
   * account finds its target here (also i14-auth's password and 2FA resets).
   */
  async getManaged(actor: AuthUser, id: string, q: AuditQueryable = this.db, lock = false): Promise<User> {
    const params: unknown[] = [id];
    const [row]: User[] = UUID.test(id)
      ? await q.query(
          `SELECT ${USER_COLUMNS} FROM users u LEFT JOIN units un ON un.code = u.unit_code
           WHERE u.id = $1 AND ${unitScopeSql(adminReach(actor), 'un', params)}${lock ? ' FOR UPDATE OF u' : ''}`,
          params,
        )
      : [];
    if (!row) throw new AppError(IdentityErrors.USER_NOT_FOUND);
    return row;
  }

  /**
   * What the guard needs of the caller, on every authenticated request, with whether the token's
   * sign-in session (if it names one) is still live: one statement on two primary keys (plain
   * SQL: TypeORM's findOneBy costs ~0.4 ms CPU).
   */
  async forAuth(id: string, sessionId: string | null = null): Promise<AuthRow | null> {
    const [row] = await this.db.query(
      `SELECT u.id, u.username, u.role, u.unit_code AS "unitCode", u.full_name AS "fullName",
              u.disabled_at AS "disabledAt", u.session_epoch AS "sessionEpoch",
              u.password_change_required AS "passwordChangeRequired", u.totp_enrolled_at AS "totpEnrolledAt",
              (s.id IS NOT NULL AND s.revoked_at IS NULL AND s.epoch = u.session_epoch AND s.expires_at > $3)
                AS "sessionLive"
       FROM users u LEFT JOIN auth_sessions s ON s.id = $2 AND s.user_id = u.id
       WHERE u.id = $1`,
      [id, sessionId, this.clock.now()],
    );
    return row ?? null;
  }

  /**
   * Sets a new password hash and ends every session of the account (the epoch moves on);
   * `required`: the official must change it at the next sign-in (an admin's reset).
   * Returns the new epoch, or null when there is no such account.
   */
  async setPassword(id: string, passwordHash: string, required: boolean): Promise<number | null> {
    const [rows] = await this.db.query(
      `UPDATE users SET password_hash = $2, password_change_required = $3, password_changed_at = $4,
              session_epoch = session_epoch + 1
       WHERE id = $1 RETURNING session_epoch AS "sessionEpoch"`,
      [id, passwordHash, required, this.clock.now()],
    );
    return rows[0]?.sessionEpoch ?? null;
  }

  /** Ends every access token and session of the account at once ("log out everywhere"); the new epoch. */
  async bumpEpoch(id: string): Promise<number | null> {
    const [rows] = await this.db.query(
      `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch AS "sessionEpoch"`,
      [id],
    );
    return rows[0]?.sessionEpoch ?? null;
  }

  async markLogin(id: string): Promise<void> {
    await this.db.query(`UPDATE users SET last_login_at = $2 WHERE id = $1`, [id, this.clock.now()]);
  }

  /** The account with its password hash, for login; matched case-insensitively. */
  async forLogin(username: string): Promise<(User & { passwordHash: string }) | null> {
    const [row] = await this.db.query(
      `SELECT ${USER_COLUMNS}, u.password_hash AS "passwordHash" FROM users u WHERE lower(u.username) = lower($1)`,
      [username],
    );
    return row ?? null;
  }

  /**
   * Changes an official's role, unit or e-mail (audited with before and after). A change of role
   * or unit bumps `session_epoch` in the same UPDATE: every session of the official ends at once,
   * and the next one carries the new rights. An admin does not change their own role or unit.
   */
  async update(actor: AuthUser, id: string, changes: UserChanges, request: AdminRequest = {}): Promise<User> {
    return this.db.transaction(async (m) => {
      const before = await this.getManaged(actor, id, m, true);
      const after = {
        role: changes.role ?? before.role,
        unitCode: changes.unitCode === undefined ? before.unitCode : changes.unitCode,
        email: changes.email === undefined ? before.email : changes.email,
      };
      const changed = CHANGEABLE.filter((k) => after[k] !== before[k]);
      if (!changed.length) return before;
      const moved = changed.includes('role') || changed.includes('unitCode');
      if (moved && before.id === actor.id) throw new AppError(IdentityErrors.CANNOT_CHANGE_SELF);
      if (moved) this.assertUnitInReach(actor, after.unitCode, after.role);
      const [[user]]: [User[], number] = await m.query(
        `UPDATE users u SET role = $2, unit_code = $3, email = $4,
                session_epoch = session_epoch + CASE WHEN $5::boolean THEN 1 ELSE 0 END
         WHERE u.id = $1
         RETURNING ${USER_COLUMNS}`,
        [id, after.role, after.unitCode, after.email, moved],
      );
      await this.audit.record(
        {
          action: AuditAction.UserChanged,
          actor,
          subject: user,
          details: {
            before: Object.fromEntries(changed.map((k) => [k, before[k]])),
            after: Object.fromEntries(changed.map((k) => [k, after[k]])),
            sessionsEnded: moved,
          },
          clientAddress: request.clientAddress,
        },
        m,
      );
      if (moved) this.staffingChanged();
      return user;
    });
  }

  /**
   * THE place an account is disabled: no more logins, `session_epoch` bumped in the same UPDATE
   * (every token and refresh session ends), audited. Idempotent: an already disabled account keeps
   * its first date and writes nothing. What else must happen when an official leaves (their open
   * tickets back to the unit's queue) runs in this transaction, after the UPDATE: the
   * onAccountDisabled listeners.
   */
  async disable(actor: AuthUser, id: string, request: AdminRequest = {}): Promise<User> {
    if (id === actor.id) throw new AppError(IdentityErrors.CANNOT_DISABLE_SELF);
    const { user, changed } = await this.db.transaction(async (m) => {
      const before = await this.getManaged(actor, id, m, true);
      if (before.disabledAt) return { user: before, changed: false };
      const now = this.clock.now();
      const [[user]]: [User[], number] = await m.query(
        `UPDATE users u SET disabled_at = $2, session_epoch = session_epoch + 1 WHERE u.id = $1
         RETURNING ${USER_COLUMNS}`,
        [id, now],
      );
      await this.accountDisabled(m, id, now);
      await this.audit.record(
        { action: AuditAction.UserDisabled, actor, subject: user, clientAddress: request.clientAddress },
        m,
      );
      return { user, changed: true };
    });
    if (changed) this.staffingChanged();
    return user;
  }

  /** Enables a disabled account again (audited); idempotent. The official signs in with the password they had. */
  async enable(actor: AuthUser, id: string, request: AdminRequest = {}): Promise<User> {
    const { user, changed } = await this.db.transaction(async (m) => {
      const before = await this.getManaged(actor, id, m, true);
      if (!before.disabledAt) return { user: before, changed: false };
      const [[user]]: [User[], number] = await m.query(
        `UPDATE users u SET disabled_at = NULL WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
        [id],
      );
      await this.audit.record(
        {
          action: AuditAction.UserEnabled,
          actor,
          subject: user,
          details: { disabledAt: before.disabledAt.toISOString() },
          clientAddress: request.clientAddress,
        },
        m,
      );
      return { user, changed: true };
    });
    if (changed) this.staffingChanged();
    return user;
  }

  /** A dry run of an import: every problem of every row (the file's, the reach's and taken usernames); writes nothing. */
  async checkImport(actor: AuthUser, file: Buffer): Promise<ImportReport> {
    const { report } = await this.readImport(actor, file, this.db);
    return report;
  }

  /**
   * Imports officials from a CSV file, all or nothing: with any problem in any row nothing is
   * written and the problems are thrown (400, one field error per problem). Each new official
   * gets a temporary password (fast-hashed: see hashTemporaryPassword) and must change it at
   * first login; the passwords are answered once and kept nowhere. One audit row per official
   * (USER_CREATED) and one for the import (USERS_IMPORTED), in the same transaction.
   */
  async import(actor: AuthUser, file: Buffer, request: AdminRequest = {}): Promise<ImportedOfficial[]> {
    const created = await this.db.transaction(async (m) => {
      // Two imports at once would each find their usernames free; the unique index would then fail
      // one of them late. Serialising imports makes the check above the insert exact.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('phananh:import-officials'))`);
      const { rows, report } = await this.readImport(actor, file, m);
      if (report.problems.length) throw importError(report.problems);
      const now = this.clock.now();
      const passwords = rows.map(() => temporaryPassword());
      let inserted: { id: string; username: string }[];
      try {
        inserted = await m.query(
          `INSERT INTO users (username, password_hash, full_name, role, unit_code, email, created_at,
                              password_change_required)
           SELECT username, hash, full_name, role, unit_code, email, $7, true
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::varchar[], $6::text[])
                  AS x(username, hash, full_name, role, unit_code, email)
           RETURNING id, username`,
          [
            rows.map((r) => r.username),
            passwords.map(hashTemporaryPassword),
            rows.map((r) => r.fullName),
            rows.map((r) => r.role),
            rows.map((r) => r.unitCode),
            rows.map((r) => r.email),
            now,
          ],
        );
      } catch (e) {
        // Created meanwhile by a single POST (not serialised with imports): still all or nothing.
        if (isUniqueViolation(e)) throw new AppError(IdentityErrors.USERNAME_TAKEN);
        throw e;
      }
      const idOf = new Map(inserted.map((r) => [r.username, r.id]));
      const officials: ImportedOfficial[] = rows.map((r, i) => ({
        id: idOf.get(r.username)!,
        username: r.username,
        fullName: r.fullName,
        role: r.role,
        unitCode: r.unitCode,
        email: r.email,
        temporaryPassword: passwords[i],
      }));
      const entries: AuditEntry[] = officials.map((o) => ({
        action: AuditAction.UserCreated,
        actor,
        subject: o,
        details: { role: o.role, unitCode: o.unitCode, email: o.email, fullName: o.fullName, imported: true },
        clientAddress: request.clientAddress,
        at: now,
      }));
      entries.push({
        action: AuditAction.UsersImported,
        actor,
        details: { officials: officials.length },
        clientAddress: request.clientAddress,
        at: now,
      });
      for (let i = 0; i < entries.length; i += AUDIT_BATCH) {
        await this.audit.recordMany(entries.slice(i, i + AUDIT_BATCH), m);
      }
      return officials;
    });
    this.staffingChanged();
    return created;
  }

  private async readImport(actor: AuthUser, file: Buffer, q: AuditQueryable) {
    const { rows, problems, total, usernames } = parseOfficialsCsv(file, adminReach(actor), this.reference);
    if (usernames.length) {
      const taken: { username: string }[] = await q.query(
        `SELECT lower(username) AS username FROM users WHERE lower(username) = ANY ($1::text[])`,
        [usernames.map((u) => u.username.toLowerCase())],
      );
      const takenSet = new Set(taken.map((t) => t.username));
      for (const u of usernames) {
        if (takenSet.has(u.username.toLowerCase())) {
          const error = AccountValidation.fieldError('username', 'USERNAME_EXISTS');
          problems.push({ line: u.line, field: 'username', code: error.code, message: error.message });
        }
      }
      // Stable: a row's own problems keep their column order, the taken username last.
      problems.sort((a, b) => a.line - b.line);
    }
    return { rows, report: { rows: total, problems } };
  }

  /** The unit an admin gives an official must be in the admin's reach; only a national admin makes another one (no unit). */
  private assertUnitInReach(actor: AuthUser, unitCode: string | null, role: Role): void {
    if (unitCode !== null && !this.reference.unit(unitCode)) {
      throw validationError([AccountValidation.fieldError('unitCode', 'UNIT_UNKNOWN')]);
    }
    if (unitCode === null && role !== Role.Admin) {
      throw validationError([AccountValidation.fieldError('unitCode', 'UNIT_REQUIRED')]);
    }
    if (!scopeHasUnit(adminReach(actor), unitCode, this.reference)) {
      throw validationError([AccountValidation.fieldError('unitCode', 'UNIT_OUTSIDE_REACH')]);
    }
  }

  /**
   * Creates the first admin from ADMIN_USERNAME/ADMIN_PASSWORD when there is no admin yet.
   * Several processes may start at once: the advisory lock, held to the end of the
   * transaction, makes exactly one of them create it. The operator chose that password, so no
   * change is forced.
   */
  async ensureAdmin(username: string, password: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('phananh:ensure-admin'))`);
      const [{ count }] = await manager.query(`SELECT count(*)::int AS count FROM users WHERE role = 'ADMIN'`);
      if (count > 0) return false;
      await this.create(
        { username, password, fullName: 'Quản trị hệ thống', role: Role.Admin, passwordChangeRequired: false },
        manager,
      );
      return true;
    });
  }
}

/** An import refused: one field error per problem, named `rows[<line>].<column>` (line 0: the file). */
export function importError(problems: ImportProblem[]): AppError {
  return validationError(
    problems.map((p) => ({
      field: p.line === 0 ? p.field : `rows[${p.line}].${p.field}`,
      code: p.code,
      message: p.message,
    })),
  );
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AppError, Clock, FieldError, validationError, registerValidationMessages } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import { IdentityErrors } from './identity.errors';
import { hashPassword } from './passwords';
import { Role } from './role';
import { USER_COLUMNS, User } from './user';

const UserValidation = registerValidationMessages({
  UNIT_REQUIRED: {
    vi: 'Cán bộ và giám sát viên phải thuộc một đơn vị',
    en: 'Officers and supervisors must belong to a unit',
  },
});

export interface NewUser {
  username: string;
  password: string;
  fullName: string;
  role: Role;
  unitCode?: string | null;
  email?: string | null;
}

export interface UserListQuery {
  unitCode?: string;
  role?: Role;
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

/** Officials' accounts: created and disabled by admins, never deleted (their names stay in ticket histories). */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reference: ReferenceService,
  ) {}

  private readonly staffingListeners: (() => void)[] = [];

  /**
   * Called after an official is created or disabled. Routing subscribes (wired in apps/api,
   * since routing depends on tickets, which depends on identity) to drop its staffed-units cache.
   */
  onStaffingChange(listener: () => void): void {
    this.staffingListeners.push(listener);
  }

  private staffingChanged(): void {
    for (const listener of this.staffingListeners) listener();
  }

  async create(input: NewUser, manager: EntityManager = this.db.manager): Promise<User> {
    const unitCode = input.unitCode ?? null;
    const errors: FieldError[] = [];
    if (unitCode && !this.reference.unit(unitCode)) {
      errors.push(UserValidation.fieldError('unitCode', 'UNIT_UNKNOWN'));
    } else if (!unitCode && input.role !== Role.Admin) {
      errors.push(UserValidation.fieldError('unitCode', 'UNIT_REQUIRED'));
    }
    if (errors.length) throw validationError(errors);
    const passwordHash = await hashPassword(input.password);
    try {
      const rows: User[] = await manager.query(
        `INSERT INTO users AS u (username, password_hash, full_name, role, unit_code, email, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING ${USER_COLUMNS}`,
        [input.username, passwordHash, input.fullName, input.role, unitCode, input.email ?? null, this.clock.now()],
      );
      // A unit that gets its first official starts receiving its reports at once.
      this.staffingChanged();
      return rows[0];
    } catch (e) {
      if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') {
        throw new AppError(IdentityErrors.USERNAME_TAKEN);
      }
      throw e;
    }
  }

  async list(query: UserListQuery): Promise<User[]> {
    const params: unknown[] = [];
    // Only the filters given enter the statement (push returns the new length: the placeholder's number).
    const where: string[] = [];
    if (query.unitCode) where.push(`u.unit_code = $${params.push(query.unitCode)}`);
    if (query.role) where.push(`u.role = $${params.push(query.role)}`);
    if (query.after !== undefined) where.push(`lower(u.username) > $${params.push(query.after)}`);
    return this.db.query(
      `SELECT ${USER_COLUMNS} FROM users u ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY lower(u.username) LIMIT $${params.push(query.limit)}`,
      params,
    );
  }

  async byId(id: string): Promise<User | null> {
    const [row] = await this.db.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
    return row ?? null;
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

  /** Disables an account (idempotent: an already disabled one keeps its first date). */
  async disable(id: string, actorId: string): Promise<User> {
    if (id === actorId) throw new AppError(IdentityErrors.CANNOT_DISABLE_SELF);
    const user = await this.byId(id);
    if (!user) throw new AppError(IdentityErrors.USER_NOT_FOUND);
    if (!user.disabledAt) {
      await this.db.query(`UPDATE users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL`, [
        id,
        this.clock.now(),
      ]);
      this.staffingChanged();
    }
    return (await this.byId(id))!;
  }

  /**
   * Creates the first admin from ADMIN_USERNAME/ADMIN_PASSWORD when there is no admin yet.
   * Several processes may start at once: the advisory lock, held to the end of the
   * transaction, makes exactly one of them create it.
   */
  async ensureAdmin(username: string, password: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('phananh:ensure-admin'))`);
      const [{ count }] = await manager.query(`SELECT count(*)::int AS count FROM users WHERE role = 'ADMIN'`);
      if (count > 0) return false;
      await this.create({ username, password, fullName: 'Quản trị hệ thống', role: Role.Admin }, manager);
      return true;
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AppError, Clock, FieldError, validationError, registerValidationMessages } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import { IdentityErrors } from './identity.errors';
import { hashPassword } from './passwords';
import { Role } from './role';
import { User } from './user.entity';

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
        `INSERT INTO users (username, password_hash, full_name, role, unit_code, email, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, username, full_name AS "fullName", role, unit_code AS "unitCode", email,
                   created_at AS "createdAt", disabled_at AS "disabledAt"`,
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
    const qb = this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .orderBy('lower(u.username)', 'ASC')
      .limit(query.limit);
    if (query.unitCode) qb.andWhere('u.unit_code = :unitCode', { unitCode: query.unitCode });
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.after !== undefined) qb.andWhere('lower(u.username) > :after', { after: query.after });
    return qb.getMany();
  }

  async byId(id: string): Promise<User | null> {
    return this.db.getRepository(User).findOneBy({ id });
  }

  /** What the guard needs of the caller, on every authenticated request: plain SQL (TypeORM's findOneBy costs ~0.4 ms CPU). */
  async forAuth(
    id: string,
  ): Promise<Pick<User, 'id' | 'username' | 'role' | 'unitCode' | 'fullName' | 'disabledAt'> | null> {
    const [row] = await this.db.query(
      `SELECT id, username, role, unit_code AS "unitCode", full_name AS "fullName", disabled_at AS "disabledAt"
       FROM users WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** The account with its password hash, for login; matched case-insensitively. */
  async forLogin(username: string): Promise<User | null> {
    return this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.username) = lower(:username)', { username })
      .getOne();
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

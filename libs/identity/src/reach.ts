import type { ReferenceService, Unit } from '@phananh/reference';
import type { AuthUser } from './auth-user';
import { Role } from './role';

/**
 * A set of tickets named by one of their denormalised columns: `unit_code = X` (one unit),
 * `district_code = X` (a district and its wards) or `province_code = X` (a province).
 * One equality on one column, so that every query on a scope can use the partial
 * indexes ix_tickets_open_{unit,district,province}_due.
 */
export type TicketScope = { kind: 'all' } | { kind: 'none' } | { kind: 'unit' | 'district' | 'province'; code: string };

/** The subtree of a unit: a ward is its own unit, a district or a province its whole area. */
export function subtreeScope(unit: Unit): TicketScope {
  switch (unit.level) {
    case 'province':
      return { kind: 'province', code: unit.code };
    case 'district':
      return { kind: 'district', code: unit.code };
    default:
      return { kind: 'unit', code: unit.code };
  }
}

/**
 * What an official reaches: an officer the tickets assigned to the own unit, a supervisor
 * the own unit's subtree, a national admin (one without a unit) everything, and an admin
 * with a unit (a provincial admin: the unit is a province) that unit's subtree, like a
 * supervisor. A user without a unit (only admins may have none) reaches nothing unless admin.
 */
export function reachScope(user: AuthUser): TicketScope {
  if (isNationalAdmin(user)) return { kind: 'all' };
  if (!user.unitCode) return { kind: 'none' };
  if (user.role === Role.Officer || !user.unitLevel) return { kind: 'unit', code: user.unitCode };
  return subtreeScope({ code: user.unitCode, level: user.unitLevel } as Unit);
}

/**
 * The tickets both in the caller's reach and in `unitCode`'s subtree (the queue's `unitCode`
 * filter). A filter outside the reach narrows to nothing rather than failing, so the
 * answer never tells whether that unit has tickets.
 */
export function narrowScope(user: AuthUser, unitCode: string, reference: ReferenceService): TicketScope {
  const filter = reference.unit(unitCode);
  if (!filter) return { kind: 'none' };
  const reach = reachScope(user);
  if (reach.kind === 'all') return subtreeScope(filter);
  if (reach.kind === 'none') return reach;
  const own = user.unitCode!;
  if (reach.kind === 'unit') return reference.isWithin(own, filter.code) ? reach : { kind: 'none' };
  if (reference.isWithin(filter.code, own)) return subtreeScope(filter);
  if (reference.isWithin(own, filter.code)) return reach;
  return { kind: 'none' };
}

/**
 * The scope as an SQL predicate on the tickets table aliased `alias`. Parameters are
 * appended to `params` and referenced positionally ($n), so it composes with any raw query.
 */
export function scopeSql(scope: TicketScope, alias: string, params: unknown[]): string {
  if (scope.kind === 'all') return 'TRUE';
  if (scope.kind === 'none') return 'FALSE';
  params.push(scope.code);
  return `${alias}.${scope.kind}_code = $${params.length}`;
}

/** The caller's reach as an SQL predicate: `WHERE t.tracking_code = $1 AND ${reachSql(user, 't', params)}`. */
export function reachSql(user: AuthUser, alias: string, params: unknown[]): string {
  return scopeSql(reachScope(user), alias, params);
}

/** The same rule in memory, for a ticket already loaded (e.g. to pick alert recipients). */
export function scopeContains(
  scope: TicketScope,
  ticket: { unitCode: string; districtCode: string | null; provinceCode: string },
): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'unit':
      return ticket.unitCode === scope.code;
    case 'district':
      return ticket.districtCode === scope.code;
    case 'province':
      return ticket.provinceCode === scope.code;
  }
}

/** True when every ticket of `unitCode` (the unit itself) is in the caller's reach (e.g. SLA figures of a unit). */
export function unitInReach(user: AuthUser, unitCode: string, reference: ReferenceService): boolean {
  if (!reference.unit(unitCode)) return false;
  if (isNationalAdmin(user)) return true;
  if (!user.unitCode) return false;
  if (user.role === Role.Officer) return unitCode === user.unitCode;
  return reference.isWithin(unitCode, user.unitCode);
}

/** An admin without a unit: manages the whole country (officials, webhooks, figures, campaigns, the queues). */
export function isNationalAdmin(user: Pick<AuthUser, 'role' | 'unitCode'>): boolean {
  return user.role === Role.Admin && !user.unitCode;
}

/**
 * What an admin administers (officials, webhooks, figures, the audit log): a national admin
 * everything, a provincial admin (an admin whose unit is a province) that province, an admin
 * of a smaller unit that unit's subtree; anyone else nothing. The same shape as a ticket
 * scope, so that "outside the reach" is the same 404 as for tickets.
 */
export function adminReach(actor: AuthUser): TicketScope {
  if (actor.role !== Role.Admin) return { kind: 'none' };
  return reachScope(actor);
}

/**
 * A scope as an SQL predicate on the `units` table aliased `alias` (every unit has its own
 * code, its district's and its province's), e.g. to keep the officials whose unit is in reach.
 */
export function unitScopeSql(scope: TicketScope, alias: string, params: unknown[]): string {
  if (scope.kind === 'all') return 'TRUE';
  if (scope.kind === 'none') return 'FALSE';
  params.push(scope.code);
  const column = scope.kind === 'unit' ? 'code' : `${scope.kind}_code`;
  return `${alias}.${column} = $${params.length}`;
}

/** True when `unitCode` is a known unit inside `scope` (null, "no unit", only in the whole country). */
export function scopeHasUnit(scope: TicketScope, unitCode: string | null, reference: ReferenceService): boolean {
  if (scope.kind === 'all') return unitCode === null || !!reference.unit(unitCode);
  if (scope.kind === 'none' || unitCode === null) return false;
  return reference.unit(unitCode) !== undefined && reference.isWithin(unitCode, scope.code);
}

import { isIP } from 'node:net';
import { AuditAction } from './audit-action';

/**
 * Who acted, as the row keeps it (copied, so that it keeps its meaning whatever becomes of the
 * account). An AuthUser is one as it is; null for the system (a command, the start-up).
 */
export interface AuditActor {
  id: string;
  username: string;
  role: string;
  unitCode: string | null;
}

/** An account acted on (account administration, issue 14). */
export interface AuditSubject {
  id: string;
  username: string;
}

/** A plain JSON object: the filters of a page or an export, or what changed. */
export type AuditJson = Record<string, unknown>;

export interface AuditEntry {
  action: AuditAction;
  actor: AuditActor | null;
  /** The tickets the action showed or touched, by tracking code. */
  ticketCodes?: readonly string[];
  subject?: AuditSubject | null;
  /**
   * The filters of a queue page or an export: never personal data. Strings shaped like an
   * identity or phone number (an official typing one into a filter) are masked on the way in.
   */
  query?: AuditJson | null;
  /** What changed (account administration), or other facts about the action. */
  details?: AuditJson | null;
  /** The client's address as the request gives it (after TRUST_PROXY): operational data. */
  clientAddress?: string | null;
  /** Default: the service clock's now. */
  at?: Date;
}

/** An address PostgreSQL's inet takes: an IPv6 zone (`%eth0`) is dropped, anything else unparseable is null. */
export function normalizeClientAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const bare = raw.replace(/%.*$/, '');
  return isIP(bare) ? bare : null;
}

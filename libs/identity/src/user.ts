import { Role } from './role';

/** An official's account. Usernames are unique case-insensitively (ux_users_username on lower(username)). */
export interface User {
  id: string;
  username: string;
  fullName: string;
  role: Role;
  /** The unit the official belongs to; null only for admins. */
  unitCode: string | null;
  email: string | null;
  createdAt: Date;
  disabledAt: Date | null;
  /** Stamped on every access token and refresh session; bumping it ends them all. */
  sessionEpoch: number;
  /** Set at creation, import and admin reset: until a new password is chosen, nothing else is allowed. */
  passwordChangeRequired: boolean;
  lastLoginAt: Date | null;
  /** When the second factor was enrolled; null when none is. */
  totpEnrolledAt: Date | null;
}

/** The select list producing a User from `users u`; the password hash is never in it (see forLogin). */
export const USER_COLUMNS = `
  u.id, u.username, u.full_name AS "fullName", u.role, u.unit_code AS "unitCode", u.email,
  u.created_at AS "createdAt", u.disabled_at AS "disabledAt", u.session_epoch AS "sessionEpoch",
  u.password_change_required AS "passwordChangeRequired", u.last_login_at AS "lastLoginAt",
  u.totp_enrolled_at AS "totpEnrolledAt"`;

import type { UnitLevel } from '@phananh/reference';
import { Role } from './role';

/** The official behind a request, as the guard found them (re-read from the database on every request). */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  unitCode: string | null;
  fullName: string;
  /** Level of the own unit (null for an admin without a unit): decides which column a supervisor's reach is. */
  unitLevel: UnitLevel | null;
}

/** The sign-in behind a request (next to its AuthUser): what the guard's gate decides on. */
export interface AuthSession {
  /** The sign-in session the access token belongs to (null for a token issued outside a sign-in). */
  sessionId: string | null;
  /** The account's epoch the token carries. */
  epoch: number;
  /** Until a new password is chosen, nothing but the endpoints marked @AllowPending() is allowed. */
  passwordChangeRequired: boolean;
  twoFactorEnrolled: boolean;
  /** The role must have a second factor (REQUIRE_2FA_ROLES) and none is enrolled: enrol first. */
  twoFactorEnrolmentRequired: boolean;
}

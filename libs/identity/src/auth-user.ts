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

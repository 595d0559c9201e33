import { randomBytes } from 'node:crypto';
import { AuthService, AuthUser, Role, User, UsersService } from '@phananh/identity';
import type { TestApp } from '../test-app';

export interface NewOfficialOptions {
  role?: Role;
  /** Default: the ward 00001 (Phúc Xá, Ba Đình, Hà Nội); null only for an admin. */
  unitCode?: string | null;
  username?: string;
  password?: string;
  fullName?: string;
  email?: string | null;
  /** Default false here (tests sign in with the password they chose); admins' creations set it. */
  passwordChangeRequired?: boolean;
}

/** A national admin as the acting official of a service call in a test (no account behind it: audit rows copy it). */
export const NATIONAL_ADMIN: AuthUser = Object.freeze({
  id: '00000000-0000-4000-8000-00000000ad01',
  username: 'test-national-admin',
  role: Role.Admin,
  unitCode: null,
  fullName: 'Quản trị thử nghiệm',
  unitLevel: null,
});

export interface Official {
  user: User;
  username: string;
  password: string;
  /** A valid access token for the official, issued on the app's clock. */
  token: string;
  /** `Bearer <token>`, for `.set('Authorization', o.bearer)`. */
  bearer: string;
}

let sequence = 0;

/**
 * Creates an official through the real UsersService and issues a token without going
 * through /auth/login (whose per-address rate limit a test creating many officials would hit).
 */
export async function newOfficial(t: TestApp, options: NewOfficialOptions = {}): Promise<Official> {
  const role = options.role ?? Role.Officer;
  const username = options.username ?? `${role.toLowerCase()}-${++sequence}-${randomBytes(3).toString('hex')}`;
  const password = options.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const unitCode = options.unitCode === undefined ? (role === Role.Admin ? null : '00001') : options.unitCode;
  const user = await t.app.get(UsersService).create({
    username,
    password,
    fullName: options.fullName ?? `Cán bộ ${username}`,
    role,
    unitCode,
    email: options.email ?? null,
    passwordChangeRequired: options.passwordChangeRequired ?? false,
  });
  const { accessToken } = t.app.get(AuthService).issue(user);
  return { user, username, password, token: accessToken, bearer: `Bearer ${accessToken}` };
}

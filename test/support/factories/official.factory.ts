import { randomBytes } from 'node:crypto';
import { generateSync } from 'otplib';
import type request from 'supertest';
import { AuthService, AuthUser, Role, TwoFactorService, User, UsersService } from '@phananh/identity';
import type { TestApp } from '../test-app';

export interface NewOfficialOptions {
  role?: Role;
  /** Default: the ward 00001 (Phúc Xá, Ba Đình, Hà Nội); null only for an admin. */
  unitCode?: string | null;
  username?: string;
  password?: string;
  fullName?: string;
  email?: string | null;
  /**
   * Enrol a second factor (through the real enrolment, confirmed with a code computed here).
   * Default: when the role must have one (REQUIRE_2FA_ROLES), so that tests not about sign-in
   * get an official who can work. `false` leaves a role that needs one at the enrolment gate.
   */
  twoFactor?: boolean;
  /** Leave the account at the forced password change (as an admin's creation or reset does); default false. */
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
  /** A valid access token for the official, issued on the app's clock (outside any sign-in session). */
  token: string;
  /** `Bearer <token>`, for `.set('Authorization', o.bearer)`. */
  bearer: string;
  /** The TOTP key when a factor was enrolled: codes are computed from it (totpCode). */
  totpSecret: string | null;
  /** The ten recovery codes when a factor was enrolled. */
  recoveryCodes: string[];
}

let sequence = 0;

/** The 6-digit code of `secret` at the app's clock (plus `offsetSeconds`), as a phone would show it. */
export function totpCode(t: TestApp, secret: string, offsetSeconds = 0): string {
  return generateSync({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + offsetSeconds });
}

/**
 * Creates an official through the real UsersService and issues a token without going
 * through /auth/login (whose per-address rate limit a test creating many officials would hit).
 */
export async function newOfficial(t: TestApp, options: NewOfficialOptions = {}): Promise<Official> {
  const role = options.role ?? Role.Officer;
  const username = options.username ?? `${role.toLowerCase()}-${++sequence}-${randomBytes(3).toString('hex')}`;
  const password = options.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const unitCode = options.unitCode === undefined ? (role === Role.Admin ? null : '00001') : options.unitCode;
  let user = await t.app.get(UsersService).create({
    username,
    password,
    fullName: options.fullName ?? `Cán bộ ${username}`,
    role,
    unitCode,
    email: options.email ?? null,
    passwordChangeRequired: options.passwordChangeRequired ?? false,
  });
  const auth = t.app.get(AuthService);
  let totpSecret: string | null = null;
  let recoveryCodes: string[] = [];
  if (options.twoFactor ?? auth.requiresTwoFactor(role)) {
    const twoFactor = t.app.get(TwoFactorService);
    totpSecret = (await twoFactor.start(user)).secret;
    recoveryCodes = await twoFactor.confirm(user.id, totpCode(t, totpSecret));
  }
  // Set either way: account creation may itself require the change (as an admin's creation does),
  // and a test not about it needs an official who can work.
  await t.db.query(`UPDATE users SET password_change_required = $2 WHERE id = $1`, [
    user.id,
    options.passwordChangeRequired ?? false,
  ]);
  user = (await t.app.get(UsersService).byId(user.id))!;
  const { accessToken } = auth.issue(user);
  return { user, username, password, token: accessToken, bearer: `Bearer ${accessToken}`, totpSecret, recoveryCodes };
}

/**
 * Signs an official in through the HTTP API as a page does: the password, then (with a factor)
 * a code computed from the key: the current one, or the next step's when the current one was
 * used already (a frozen FakeClock), else a recovery code. Returns the final answer.
 */
export async function signIn(t: TestApp, o: Official, from?: string): Promise<request.Response> {
  const post = (path: string, body: object) => {
    const req = t.http.post(path);
    return (from ? req.set('X-Forwarded-For', from) : req).send(body);
  };
  const first = await post('/api/v1/auth/login', { username: o.username, password: o.password });
  if (first.status !== 200 || !first.body.twoFactorRequired) return first;
  if (!o.totpSecret) throw new Error(`${o.username} has a second factor the test does not know`);
  let last = first;
  for (const body of [
    { code: totpCode(t, o.totpSecret) },
    { code: totpCode(t, o.totpSecret, 30) },
    { recoveryCode: o.recoveryCodes.shift() },
  ]) {
    last = await post('/api/v1/auth/login/code', { challenge: first.body.challenge, ...body });
    if (last.status !== 401) return last;
  }
  return last;
}

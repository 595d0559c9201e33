/**
 * ENDPOINT × ROLE MATRIX: every route the app serves, and the status each caller must get.
 * endpoint-matrix.e2e-spec.ts enumerates the routes of the running app (Express's router, so
 * routes missing from the OpenAPI document count too) and FAILS when a route has no entry
 * here, when an entry names a route that is not served, or when any answer differs.
 *
 * FORMAT — one entry per route, keyed `'<METHOD> <path>'`, path parameters written `{name}`
 * as OpenAPI writes them (e.g. `'POST /api/v1/tickets/{trackingCode}/start'`):
 *
 *   anonymous, officer, supervisor, admin: the expected HTTP status for that caller;
 *     for the three officials either a number or `{ inside, outside }`, when the answer
 *     depends on whether the target (ticket, alert, unit…) is in the caller's reach.
 *   request?: (ctx, place, caller) => { params?, query?, body? } builds the request: the path
 *     parameters, query string and JSON body. Build a FRESH target on every call (state-changing
 *     routes are called once per caller and place). Without it: the path as is, no body.
 *
 * The callers (see MatrixContext): an OFFICER of ward 00001 (Phúc Xá), a SUPERVISOR of
 * district 001 (Ba Đình, which holds 00001), an ADMIN (no unit: national) and a PROVINCIAL
 * ADMIN (`provincialAdmin`, unit 01: Hà Nội). `place` is 'inside' for a target in ward 00001
 * (in every caller's reach) and 'outside' for one in ward 00037 (Hoàn Kiếm: outside the
 * officer's and the supervisor's reach; an admin reaches it) — for the provincial admin,
 * 'outside' is ward 26734 (Hồ Chí Minh), outside its province. An entry without
 * `provincialAdmin` expects of it what it expects of the admin.
 * Anonymous calls are made once, with place 'inside'. Bodies must be VALID, so that the
 * status shows authorisation, not validation.
 *
 * Use the helpers below for the common shapes and add your routes when you add controllers.
 */
import { randomUUID } from 'node:crypto';
import { Open311KeysService } from '@phananh/open311';
import { SessionsService, TwoFactorService } from '@phananh/identity';
import { PRIVACY_NOTICE_VERSION } from '@phananh/reports';
import { TicketStatus } from '@phananh/ticket-store';
import { totpCode } from '@test/support';
import type { MatrixContext, MatrixEntry, Place } from './endpoint-matrix.types';

export type { Caller, MatrixContext, MatrixEntry, MatrixRequest, Place } from './endpoint-matrix.types';

/** Anyone, logged in or not, gets `status`. */
const PUBLIC = (status = 200): MatrixEntry => ({
  anonymous: status,
  officer: status,
  supervisor: status,
  admin: status,
});
/** Any logged-in official gets `status`; anonymous 401. */
const OFFICIALS = (status = 200): MatrixEntry => ({
  anonymous: 401,
  officer: status,
  supervisor: status,
  admin: status,
});
/** Officials on a target in reach get `status`, out of reach 404 (a national admin reaches everything). */
const IN_REACH = (status = 200): MatrixEntry => ({
  anonymous: 401,
  officer: { inside: status, outside: 404 },
  supervisor: { inside: status, outside: 404 },
  admin: { inside: status, outside: status },
  provincialAdmin: { inside: status, outside: 404 },
});
/** Admins get `status`, other officials 403, anonymous 401. */
const ADMIN_ONLY = (status = 200): MatrixEntry => ({ anonymous: 401, officer: 403, supervisor: 403, admin: status });
/** Admins on an official in their reach get `status`; a provincial admin 404 for another province's. */
const ADMIN_REACH = (status = 200): MatrixEntry => ({
  ...ADMIN_ONLY(),
  admin: status,
  provincialAdmin: { inside: status, outside: 404 },
});
/** Only a national admin: a provincial admin is 403 too (the whole country's settings). */
const NATIONAL_ADMIN_ONLY = (status = 200): MatrixEntry => ({ ...ADMIN_ONLY(status), provincialAdmin: 403 });
/** A fresh official of the place's outside ward (or 00004 inside) as the `{id}` of the path. */
const userTarget =
  (body?: object): MatrixEntry['request'] =>
  async (ctx, place) => ({ params: { id: (await ctx.newUser(place)).id }, body });
/** A one-row officials' file with a fresh username in ward 00001. */
const importFile = () =>
  `username,full name,role,unit code,e-mail\r\nm-${randomUUID().slice(0, 8)},Cán bộ,OFFICER,00001,\r\n`;

const ticketAction =
  (body: object, status: TicketStatus = TicketStatus.Assigned): MatrixEntry['request'] =>
  async (ctx: MatrixContext, place: Place) => ({
    params: { trackingCode: (await ctx.ticket(place, { status })).trackingCode },
    body,
  });

/** An alert of an OVERDUE event on a fresh ticket, addressed to `recipientId`. */
async function alertFor(ctx: MatrixContext, recipientId: string): Promise<string> {
  const ticket = await ctx.ticket('inside');
  const [event] = await ctx.t.db.query(
    `INSERT INTO alert_events (dedupe_key, kind, ticket_id, deadline_at, unit_code, occurred_at, created_at)
     VALUES ($1, 'OVERDUE', $2, $3, $4, $3, $3) RETURNING id`,
    [`matrix-${randomUUID()}`, ticket.id, ticket.dueAt, ticket.unitCode],
  );
  const [alert] = await ctx.t.db.query(
    `INSERT INTO alerts (event_id, recipient_id, created_at) VALUES ($1, $2, $3) RETURNING id`,
    [event.id, recipientId, ctx.t.clock.now()],
  );
  return alert.id;
}

/** A reply template of the place's ward, written straight into the table. */
async function templateIn(ctx: MatrixContext, place: Place): Promise<string> {
  const [row] = await ctx.t.db.query(
    `INSERT INTO reply_templates (unit_code, kind, title, text_vi, created_at, updated_at)
     VALUES ($1, 'RESOLUTION', 'Mẫu', 'Đã bổ sung mũi tiêm', $2, $2) RETURNING id`,
    [ctx.unit[place], ctx.t.clock.now()],
  );
  return row.id;
}

const TEMPLATE_BODY = { kind: 'REJECTION', reasonCode: 'NAME_MISMATCH', title: 'Sai tên', text: { vi: 'Họ tên sai' } };
/** Supervisors manage the templates of their reach (else 404, like an unknown one); officers none. */
const MANAGED_TEMPLATE = (status: number): MatrixEntry => ({
  anonymous: 401,
  officer: 403,
  supervisor: { inside: status, outside: 404 },
  admin: { inside: status, outside: status },
  provincialAdmin: { inside: status, outside: 404 },
});

/** A fresh Open311 api key, issued as the matrix's admin would. */
async function open311Key(ctx: MatrixContext): Promise<{ id: string; key: string }> {
  const admin = ctx.officials.admin;
  return ctx.t.app.get(Open311KeysService).issue(
    { name: 'Matrix partner', requestsPerMinute: 1000 },
    {
      actor: { id: admin.user.id, username: admin.username, role: admin.user.role, unitCode: null },
      clientAddress: null,
    },
  );
}

const report = (citizenId: string) => ({
  citizen: { fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17', citizenId, phone: '0912345678' },
  issueType: 'MISSING_DOSE',
  dose: { doseNumber: 2, vaccineCode: 'COMIRNATY', vaccinatedOn: '2021-10-20', wardCode: '00001' },
  description: 'Mũi 2 chưa có trên Sổ sức khỏe điện tử',
  consent: { noticeVersion: PRIVACY_NOTICE_VERSION },
});

export const ENDPOINT_MATRIX: Record<string, MatrixEntry> = {
  // Operations and documentation.
  'GET /health/live': PUBLIC(),
  'GET /health/ready': PUBLIC(),
  // The matrix app has a METRICS_TOKEN (as production must): no official's token opens /metrics;
  // only the metrics token does (production-mode.e2e-spec.ts). Without one configured it is open.
  'GET /metrics': PUBLIC(401),
  'GET /docs': PUBLIC(),
  'GET /docs/': PUBLIC(),
  'GET /docs/index.html': PUBLIC(),
  // Mounted by @nestjs/swagger, but swagger-ui-dist ships no LICENSE file to serve.
  'GET /docs/LICENSE': PUBLIC(404),
  'GET /docs/swagger-ui-init.js': PUBLIC(),
  'GET /docs/docs/swagger-ui-init.js': PUBLIC(),
  'GET /docs-json': PUBLIC(),
  'GET /docs-yaml': PUBLIC(),
  'GET /api/v1/clock': PUBLIC(),

  // Reference lists for forms.
  'GET /api/v1/reference/vaccines': PUBLIC(),
  'GET /api/v1/reference/units': PUBLIC(),
  'GET /api/v1/reference/rejection-reasons': PUBLIC(),
  'GET /api/v1/reference/privacy-notice': PUBLIC(),

  // Citizens (no login; a token changes nothing).
  'POST /api/v1/reports': {
    ...PUBLIC(201),
    request: async (ctx) => ({ body: report(ctx.citizenId()) }),
  },
  'POST /api/v1/reports/lookup': {
    ...PUBLIC(200),
    request: async (ctx) => {
      const citizenId = ctx.citizenId();
      const ticket = await ctx.ticket('inside', { citizenId });
      return { body: { trackingCode: ticket.trackingCode, citizenId, phone: '0912345678' } };
    },
  },
  // A fresh open report on every call: each caller withdraws its own.
  'POST /api/v1/reports/withdraw': {
    ...PUBLIC(200),
    request: async (ctx) => {
      const citizenId = ctx.citizenId();
      const ticket = await ctx.ticket('inside', { citizenId });
      return { body: { trackingCode: ticket.trackingCode, citizenId } };
    },
  },
  // The same 202 for anyone, matched or not (the SMS goes to the phone on file).
  'POST /api/v1/reports/resend-code': {
    ...PUBLIC(202),
    request: async (ctx) => {
      const citizenId = ctx.citizenId();
      await ctx.ticket('inside', { citizenId });
      return { body: { citizenId, phone: '0912345678' } };
    },
  },
  // Opting out of a report's messages with its identity number, as the status page does.
  'POST /api/v1/reports/opt-out': {
    ...PUBLIC(200),
    request: async (ctx) => {
      const citizenId = ctx.citizenId();
      const ticket = await ctx.ticket('inside', { citizenId });
      return { body: { trackingCode: ticket.trackingCode, citizenId } };
    },
  },

  // Officials: login and self.
  'POST /api/v1/auth/login': {
    ...PUBLIC(200),
    request: async (ctx) => ({
      body: { username: ctx.officials.officer.username, password: ctx.officials.officer.password },
    }),
  },
  'GET /api/v1/auth/me': OFFICIALS(),
  // The code step: a fresh official with a factor signs in with a password, then a code from its key.
  'POST /api/v1/auth/login/code': {
    ...PUBLIC(200),
    request: async (ctx) => {
      const o = await ctx.fresh('officer', { twoFactor: true });
      const first = await ctx.t.http.post('/api/v1/auth/login').send({ username: o.username, password: o.password });
      return { body: { challenge: first.body.challenge, recoveryCode: o.recoveryCodes[0] } };
    },
  },
  'POST /api/v1/auth/refresh': {
    ...PUBLIC(200),
    request: async (ctx) => {
      const o = await ctx.fresh('officer');
      const first = await ctx.t.http.post('/api/v1/auth/login').send({ username: o.username, password: o.password });
      return { body: { refreshToken: first.body.refreshToken } };
    },
  },
  'POST /api/v1/auth/logout': OFFICIALS(204),
  // These end the caller's sessions or change its password: a fresh official of the caller's role each time.
  'POST /api/v1/auth/logout-everywhere': {
    ...OFFICIALS(204),
    request: async (ctx, _place, caller) => ({
      authorization: caller === 'anonymous' ? undefined : (await ctx.fresh(caller)).bearer,
    }),
  },
  'POST /api/v1/auth/password': {
    ...OFFICIALS(200),
    request: async (ctx, _place, caller) => {
      if (caller === 'anonymous') return { body: { currentPassword: 'x', newPassword: 'mot-mat-khau-moi-du-dai' } };
      const o = await ctx.fresh(caller);
      return { authorization: o.bearer, body: { currentPassword: o.password, newPassword: 'mot-mat-khau-moi-du-dai' } };
    },
  },
  // Replacing an enrolled factor needs the password (supervisors and admins have one).
  'POST /api/v1/auth/2fa/enrolment': {
    ...OFFICIALS(201),
    request: async (ctx, _place, caller) => ({
      body: caller === 'anonymous' ? {} : { password: ctx.officials[caller].password },
    }),
  },
  'POST /api/v1/auth/2fa/enrolment/confirm': {
    ...OFFICIALS(200),
    request: async (ctx, _place, caller) => {
      if (caller === 'anonymous') return { body: { code: '123456' } };
      const o = await ctx.fresh(caller, { twoFactor: false });
      const { secret } = await ctx.t.app.get(TwoFactorService).start(o.user);
      return { authorization: o.bearer, body: { code: totpCode(ctx.t, secret) } };
    },
  },
  // Removing the own factor: not for the roles that must have one (REQUIRE_2FA_ROLES).
  'POST /api/v1/auth/2fa/remove': {
    anonymous: 401,
    officer: 204,
    supervisor: 409,
    admin: 409,
    request: async (ctx, _place, caller) => {
      if (caller === 'anonymous') return { body: { password: 'x' } };
      const o = await ctx.fresh(caller, { twoFactor: true });
      return { authorization: o.bearer, body: { password: o.password } };
    },
  },
  'GET /api/v1/auth/sessions': OFFICIALS(),
  // inside: a session of the caller; outside: one of another official (404 even for an admin).
  'DELETE /api/v1/auth/sessions/{id}': {
    anonymous: 401,
    officer: { inside: 204, outside: 404 },
    supervisor: { inside: 204, outside: 404 },
    admin: { inside: 204, outside: 404 },
    request: async (ctx, place, caller) => {
      const owner = place === 'inside' && caller !== 'anonymous' ? ctx.officials[caller] : ctx.officials.bystander;
      const session = await ctx.t.app.get(SessionsService).start(owner.user.id, owner.user.sessionEpoch, null);
      return { params: { id: session.id } };
    },
  },

  // Officials: the queue and the workflow.
  'GET /api/v1/tickets': OFFICIALS(),
  'GET /api/v1/tickets/{trackingCode}': { ...IN_REACH(), request: ticketAction({}) },
  'GET /api/v1/tickets/{trackingCode}/attachments/{id}': {
    ...IN_REACH(),
    request: async (ctx, place) => {
      const ticket = await ctx.ticket(place);
      const file = await ctx.attachment(ticket);
      return { params: { trackingCode: ticket.trackingCode, id: file.id } };
    },
  },
  'POST /api/v1/tickets/{trackingCode}/start': { ...IN_REACH(), request: ticketAction({}) },
  'POST /api/v1/tickets/{trackingCode}/resolve': { ...IN_REACH(), request: ticketAction({ resolution: 'Đã sửa' }) },
  'POST /api/v1/tickets/{trackingCode}/defer': { ...IN_REACH(), request: ticketAction({ reason: 'Cần kiểm tra' }) },
  'POST /api/v1/tickets/{trackingCode}/reject': {
    ...IN_REACH(),
    request: ticketAction({ reasonCode: 'NAME_MISMATCH' }),
  },
  'POST /api/v1/tickets/{trackingCode}/transfer': {
    ...IN_REACH(),
    request: ticketAction({ unitCode: '00004', reason: 'Sai nơi' }),
  },
  'POST /api/v1/tickets/{trackingCode}/comments': { ...IN_REACH(), request: ticketAction({ text: 'Ghi chú' }) },
  'POST /api/v1/tickets/{trackingCode}/merge': {
    // Two open reports of one citizen in the place's ward, the later one (from another phone) linked to the earlier.
    ...IN_REACH(),
    request: async (ctx, place) => {
      const citizenId = ctx.citizenId();
      const kept = await ctx.ticket(place, { citizenId, phone: '0912345678' });
      const merged = await ctx.ticket(place, { citizenId, phone: '0987654321', duplicateOf: kept.id });
      return { params: { trackingCode: merged.trackingCode }, body: { into: kept.trackingCode } };
    },
  },
  // Bulk actions answer 200 whatever the tickets: one out of reach is an item `ticket-not-found`
  // (bulk-actions.e2e-spec.ts checks that it reads exactly like an unknown one).
  'POST /api/v1/tickets/bulk': {
    ...OFFICIALS(200),
    request: async (ctx, place) => ({
      body: { action: 'start', items: [{ trackingCode: (await ctx.ticket(place)).trackingCode, version: 1 }] },
    }),
  },
  'POST /api/v1/tickets/{trackingCode}/reopen': {
    anonymous: 401,
    officer: 403,
    supervisor: { inside: 200, outside: 404 },
    admin: { inside: 200, outside: 200 },
    provincialAdmin: { inside: 200, outside: 404 },
    request: ticketAction({ reason: 'Xem lại' }, TicketStatus.Resolved),
  },

  // Reply templates: read by every official (what applies to them), kept by supervisors for their reach.
  'GET /api/v1/reply-templates': OFFICIALS(),
  'POST /api/v1/reply-templates': {
    // A unit outside the supervisor's reach is a field error of the body (TEMPLATE_UNIT_OUTSIDE_REACH).
    anonymous: 401,
    officer: 403,
    supervisor: { inside: 201, outside: 400 },
    admin: { inside: 201, outside: 201 },
    provincialAdmin: { inside: 201, outside: 400 },
    request: async (ctx, place) => ({ body: { ...TEMPLATE_BODY, unitCode: ctx.unit[place] } }),
  },
  'PUT /api/v1/reply-templates/{id}': {
    ...MANAGED_TEMPLATE(200),
    request: async (ctx, place) => ({ params: { id: await templateIn(ctx, place) }, body: TEMPLATE_BODY }),
  },
  'DELETE /api/v1/reply-templates/{id}': {
    ...MANAGED_TEMPLATE(204),
    request: async (ctx, place) => ({ params: { id: await templateIn(ctx, place) } }),
  },
  // Personal assignment: an official of the ticket's own unit claims (a district supervisor and
  // an admin are not of the ward); supervisors in reach assign to an official of the ticket's
  // unit; the assignee or a supervisor gives it back.
  'POST /api/v1/tickets/{trackingCode}/claim': {
    anonymous: 401,
    officer: { inside: 200, outside: 404 },
    supervisor: { inside: 403, outside: 404 },
    admin: 403,
    request: ticketAction({}),
  },
  'POST /api/v1/tickets/{trackingCode}/assign': {
    anonymous: 401,
    officer: 403,
    supervisor: { inside: 200, outside: 404 },
    admin: { inside: 200, outside: 200 },
    provincialAdmin: { inside: 200, outside: 404 },
    request: async (ctx, place) => ({
      params: { trackingCode: (await ctx.ticket(place)).trackingCode },
      body: { assigneeId: ctx.officials[place === 'inside' ? 'officer' : 'bystander'].user.id },
    }),
  },
  'POST /api/v1/tickets/{trackingCode}/unassign': {
    ...IN_REACH(),
    request: async (ctx, place) => {
      const assigneeId = ctx.officials[place === 'inside' ? 'officer' : 'bystander'].user.id;
      return { params: { trackingCode: (await ctx.ticket(place, { assigneeId })).trackingCode }, body: {} };
    },
  },
  'GET /api/v1/tickets/{trackingCode}/assignees': {
    anonymous: 401,
    officer: 403,
    supervisor: { inside: 200, outside: 404 },
    admin: { inside: 200, outside: 200 },
    provincialAdmin: { inside: 200, outside: 404 },
    request: ticketAction({}),
  },
  'GET /api/v1/units/{unitCode}/distribution': {
    anonymous: 401,
    officer: 403,
    supervisor: { inside: 200, outside: 404 },
    admin: { inside: 200, outside: 200 },
    provincialAdmin: { inside: 200, outside: 404 },
    request: async (ctx, place) => ({ params: { unitCode: ctx.unit[place] } }),
  },
  'PUT /api/v1/units/{unitCode}/distribution': {
    anonymous: 401,
    officer: 403,
    supervisor: { inside: 200, outside: 404 },
    admin: { inside: 200, outside: 200 },
    provincialAdmin: { inside: 200, outside: 404 },
    request: async (ctx, place) => ({ params: { unitCode: ctx.unit[place] }, body: { enabled: false } }),
  },

  // Alerts and SLA figures.
  'GET /api/v1/alerts': OFFICIALS(),
  'POST /api/v1/alerts/{id}/ack': {
    // inside: an alert addressed to the caller; outside: one addressed to another official (404 even for an admin).
    anonymous: 401,
    officer: { inside: 200, outside: 404 },
    supervisor: { inside: 200, outside: 404 },
    admin: { inside: 200, outside: 404 },
    request: async (ctx, place, caller) => {
      const owner = place === 'inside' && caller !== 'anonymous' ? ctx.officials[caller] : ctx.officials.bystander;
      return { params: { id: await alertFor(ctx, owner.user.id) } };
    },
  },
  'GET /api/v1/sla/summary': {
    ...IN_REACH(),
    request: async (ctx, place) => ({ query: { unitCode: ctx.unit[place] } }),
  },
  'GET /api/v1/sla/summary.csv': {
    ...IN_REACH(),
    request: async (ctx, place) => ({ query: { unitCode: ctx.unit[place] } }),
  },
  'GET /api/v1/sla/burndown': {
    ...IN_REACH(),
    request: async (ctx, place) => ({ query: { unitCode: ctx.unit[place], campaign: '2021-11' } }),
  },
  'GET /api/v1/sla/on-time-by-day': {
    ...IN_REACH(),
    request: async (ctx, place) => ({ query: { unitCode: ctx.unit[place], campaign: '2021-11' } }),
  },
  'GET /api/v1/sla/at-risk': {
    ...IN_REACH(),
    request: async (ctx, place) => ({ query: { unitCode: ctx.unit[place], campaign: '2021-11' } }),
  },
  'GET /api/v1/exports/tickets.csv': {
    ...IN_REACH(),
    request: async (ctx, place) => ({ query: { unitCode: ctx.unit[place] } }),
  },
  'GET /api/v1/exports/tickets.xlsx': {
    ...IN_REACH(),
    request: async (ctx, place) => ({ query: { unitCode: ctx.unit[place] } }),
  },
  'GET /api/v1/exports/figures.xlsx': {
    ...IN_REACH(),
    request: async (ctx, place) => ({ query: { unitCode: ctx.unit[place] } }),
  },

  // Admin.
  'POST /api/v1/admin/users': {
    ...ADMIN_ONLY(201),
    request: async () => ({
      body: {
        username: `matrix-${randomUUID().slice(0, 8)}`,
        password: 'a-long-enough-password',
        fullName: 'Cán bộ',
        role: 'OFFICER',
        unitCode: '00001',
      },
    }),
  },
  'GET /api/v1/admin/users': ADMIN_ONLY(),
  'GET /api/v1/admin/users/{id}': { ...ADMIN_REACH(), request: userTarget() },
  'PATCH /api/v1/admin/users/{id}': { ...ADMIN_REACH(), request: userTarget({ email: 'matrix@example.vn' }) },
  'POST /api/v1/admin/users/{id}/disable': { ...ADMIN_REACH(), request: userTarget() },
  'POST /api/v1/admin/users/{id}/enable': { ...ADMIN_REACH(), request: userTarget() },
  'POST /api/v1/admin/users/import/dry-run': { ...ADMIN_ONLY(), request: async () => ({ csv: importFile() }) },
  'POST /api/v1/admin/users/import': { ...ADMIN_ONLY(201), request: async () => ({ csv: importFile() }) },
  'POST /api/v1/admin/users/{id}/reset-password': { ...ADMIN_REACH(), request: userTarget() },
  'POST /api/v1/admin/users/{id}/reset-2fa': { ...ADMIN_REACH(204), request: userTarget() },
  'GET /api/v1/admin/campaigns': ADMIN_ONLY(),
  'POST /api/v1/admin/campaigns': {
    ...NATIONAL_ADMIN_ONLY(201),
    request: async () => ({
      body: {
        code: `m-${randomUUID().slice(0, 8)}`,
        name: 'Đợt thử',
        intakeFrom: '2022-03-01T00:00:00+07:00',
        intakeTo: '2022-03-15T00:00:00+07:00',
        cutoffAt: '2022-03-17T00:00:00+07:00',
        handlingHours: 48,
      },
    }),
  },
  'POST /api/v1/admin/webhooks': {
    ...ADMIN_ONLY(201),
    request: async () => ({
      body: { url: 'http://127.0.0.1:9/matrix-hook', secret: 'matrix-secret', events: ['OVERDUE'] },
    }),
  },
  'GET /api/v1/admin/webhooks': ADMIN_ONLY(),
  'GET /api/v1/admin/webhook-deliveries': ADMIN_ONLY(),
  'GET /api/v1/admin/audit': ADMIN_ONLY(),
  'POST /api/v1/admin/event-webhooks': {
    ...ADMIN_ONLY(201),
    request: async () => ({
      body: { url: 'http://127.0.0.1:9/matrix-events', secret: 'matrix-secret', events: ['RESOLVED'] },
    }),
  },
  'GET /api/v1/admin/event-webhooks': ADMIN_ONLY(),
  'POST /api/v1/admin/event-webhooks/{id}/personal-data': {
    ...ADMIN_ONLY(),
    request: async (ctx) => {
      const [hook] = await ctx.t.db.query(
        `INSERT INTO event_webhooks (url, secret_enc, events, created_at)
         VALUES ('http://127.0.0.1:9/matrix-events', '\\x00', '{RESOLVED}', now()) RETURNING id`,
      );
      return { params: { id: hook.id }, body: { includePersonalData: true } };
    },
  },
  'GET /api/v1/admin/event-webhook-deliveries': ADMIN_ONLY(),
  'POST /api/v1/admin/event-webhook-deliveries/{id}/retry': {
    // No dead delivery exists here, so an admin gets 404; the retry itself is tested in lifecycle-webhooks.e2e-spec.ts.
    ...ADMIN_ONLY(404),
    request: async () => ({ params: { id: randomUUID() } }),
  },
  'POST /api/v1/admin/open311-keys': {
    ...ADMIN_ONLY(201),
    request: async () => ({ body: { name: 'Matrix partner' } }),
  },
  'GET /api/v1/admin/open311-keys': ADMIN_ONLY(),
  'POST /api/v1/admin/open311-keys/{id}/revoke': {
    ...ADMIN_ONLY(),
    request: async (ctx) => ({ params: { id: (await open311Key(ctx)).id } }),
  },

  // Open311 GeoReport v2: public reads; a POST needs an api_key (not an official's login), checked in open311.e2e-spec.ts.
  'GET /open311/v2/discovery': PUBLIC(),
  'GET /open311/v2/discovery.{format}': { ...PUBLIC(), request: async () => ({ params: { format: 'xml' } }) },
  'GET /open311/v2/services.{format}': { ...PUBLIC(), request: async () => ({ params: { format: 'json' } }) },
  'GET /open311/v2/services/{serviceCode}.{format}': {
    ...PUBLIC(),
    request: async () => ({ params: { serviceCode: 'MISSING_DOSE', format: 'xml' } }),
  },
  'POST /open311/v2/requests.{format}': {
    ...PUBLIC(201),
    request: async (ctx) => ({
      params: { format: 'json' },
      form: {
        api_key: (await open311Key(ctx)).key,
        service_code: 'MISSING_DOSE',
        address_id: ctx.unit.inside,
        'attribute[full_name]': 'Nguyễn Văn An',
        'attribute[date_of_birth]': '1990-05-17',
        'attribute[citizen_id]': ctx.citizenId(),
        'attribute[dose_number]': '2',
        'attribute[vaccine_code]': 'COMIRNATY',
        'attribute[vaccinated_on]': '2021-10-20',
        'attribute[consent_notice_version]': PRIVACY_NOTICE_VERSION,
      },
    }),
  },
  'GET /open311/v2/requests.{format}': { ...PUBLIC(), request: async () => ({ params: { format: 'json' } }) },
  'GET /open311/v2/requests/{id}.{format}': {
    ...PUBLIC(),
    request: async (ctx) => ({ params: { id: (await ctx.ticket('inside')).id, format: 'json' } }),
  },
  'GET /open311/v2/tokens/{token}.{format}': {
    ...PUBLIC(),
    request: async (ctx) => {
      const [key, ticket] = await Promise.all([open311Key(ctx), ctx.ticket('inside')]);
      const token = `matrix${randomUUID().replace(/-/g, '')}`;
      await ctx.t.db.query(
        `INSERT INTO open311_tokens (token, ticket_id, api_key_id, created_at) VALUES ($1, $2, $3, $4)`,
        [token, ticket.id, key.id, ctx.t.clock.now()],
      );
      return { params: { token, format: 'xml' } };
    },
  },
  'POST /api/v1/admin/webhook-deliveries/{id}/retry': {
    // No dead delivery exists here, so an admin gets 404; the retry itself is tested with the webhooks.
    ...ADMIN_ONLY(404),
    request: async () => ({ params: { id: randomUUID() } }),
  },
};

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
 * district 001 (Ba Đình, which holds 00001), an ADMIN (no unit). `place` is 'inside' for a
 * target in ward 00001 (in every caller's reach) and 'outside' for one in ward 00037
 * (Hoàn Kiếm: outside the officer's and the supervisor's reach; an admin reaches it).
 * Anonymous calls are made once, with place 'inside'. Bodies must be VALID, so that the
 * status shows authorisation, not validation.
 *
 * Use the helpers below for the common shapes and add your routes when you add controllers.
 */
import { randomUUID } from 'node:crypto';
import { PRIVACY_NOTICE_VERSION } from '@phananh/reports';
import { TicketStatus } from '@phananh/ticket-store';
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
/** Officials on a target in reach get `status`, out of reach 404 (an admin reaches everything). */
const IN_REACH = (status = 200): MatrixEntry => ({
  anonymous: 401,
  officer: { inside: status, outside: 404 },
  supervisor: { inside: status, outside: 404 },
  admin: { inside: status, outside: status },
});
/** Admins get `status`, other officials 403, anonymous 401. */
const ADMIN_ONLY = (status = 200): MatrixEntry => ({ anonymous: 401, officer: 403, supervisor: 403, admin: status });

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

  // Officials: login and self.
  'POST /api/v1/auth/login': {
    ...PUBLIC(200),
    request: async (ctx) => ({
      body: { username: ctx.officials.officer.username, password: ctx.officials.officer.password },
    }),
  },
  'GET /api/v1/auth/me': OFFICIALS(),

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
  'POST /api/v1/tickets/{trackingCode}/reopen': {
    anonymous: 401,
    officer: 403,
    supervisor: { inside: 200, outside: 404 },
    admin: { inside: 200, outside: 200 },
    request: ticketAction({ reason: 'Xem lại' }, TicketStatus.Resolved),
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
  'POST /api/v1/admin/users/{id}/disable': {
    ...ADMIN_ONLY(),
    request: async (ctx) => ({ params: { id: (await ctx.newUser()).id } }),
  },
  'GET /api/v1/admin/campaigns': ADMIN_ONLY(),
  'POST /api/v1/admin/campaigns': {
    ...ADMIN_ONLY(201),
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
  'POST /api/v1/admin/webhook-deliveries/{id}/retry': {
    // No dead delivery exists here, so an admin gets 404; the retry itself is tested with the webhooks.
    ...ADMIN_ONLY(404),
    request: async () => ({ params: { id: randomUUID() } }),
  },
};

import { FakeClock, HOUR_MS } from '@phananh/core';
import { AuditRow } from '@phananh/audit';
import { AuthService, Role } from '@phananh/identity';
import {
  Official,
  TestApp,
  TestTicket,
  binaryBody,
  createTestApp,
  newAttachment,
  newOfficial,
  newTicket,
  unknownTrackingCode,
} from '@test/support';

/**
 * Who saw what (docs/api.md, "The audit log"): every view of a full identity number, every
 * proof download, every export and every queue page leaves an append-only row, written before
 * the data leaves the service; a row that cannot be written fails the request.
 */
describe('the audit log', () => {
  let t: TestApp;
  let clock: FakeClock;
  let officer: Official; // 00001
  let supervisor: Official; // 001
  let admin: Official;
  let outsider: Official; // 00037

  beforeAll(async () => {
    clock = new FakeClock('2021-11-03T08:00:00+07:00');
    t = await createTestApp({ clock, worker: false });
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    supervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
    admin = await newOfficial(t, { role: Role.Admin });
    outsider = await newOfficial(t, { role: Role.Officer, unitCode: '00037' });
  });
  afterAll(() => t.close());

  // A token issued now on the FakeClock, which these tests move by a day.
  const get = (who: Official, path: string) =>
    t.http.get(path).set('Authorization', `Bearer ${t.app.get(AuthService).issue(who.user).accessToken}`);
  const binary = (who: Official, path: string) => get(who, path).buffer(true).parse(binaryBody);
  /** The rows written since `after` (an id), oldest first. */
  const rowsAfter = async (after: string): Promise<AuditRow[]> =>
    t.db.query(
      `SELECT id::text, at, action, actor_user_id, actor_username, actor_role, actor_unit_code, ticket_codes,
              query, details, host(client_address) AS client_address
       FROM audit_log a WHERE a.id > $1 ORDER BY a.id`,
      [after],
    );
  const lastId = async (): Promise<string> =>
    (await t.db.query(`SELECT coalesce(max(id), 0)::text AS id FROM audit_log`))[0].id;
  const actorOf = (o: Official) => ({
    actor_user_id: o.user.id,
    actor_username: o.username,
    actor_role: o.user.role,
    actor_unit_code: o.user.unitCode,
  });
  /** Nothing of the citizens' personal data in a row's query. */
  const expectNothingPersonal = (rows: AuditRow[], tickets: TestTicket[]) => {
    const text = JSON.stringify(rows.map((r) => r.query));
    for (const ticket of tickets) {
      expect(text).not.toContain(ticket.citizenName);
      expect(text).not.toContain(ticket.citizenDob);
    }
    expect(text).not.toMatch(/(?<!\d)\d{9}(?!\d)|(?<!\d)\d{12}(?!\d)|(?<!\d)(?:\+?84|0)\d{9}(?!\d)/);
  };

  describe('each kind of access leaves its row', () => {
    let tickets: TestTicket[];
    beforeAll(async () => {
      const base = clock.now().getTime();
      tickets = [];
      for (let h = 1; h <= 3; h++) {
        tickets.push(await newTicket(t, { unitCode: '00001', dueAt: new Date(base + h * HOUR_MS) }));
      }
    });

    it('a queue page: the official, the filters as asked, whether a cursor was given, the limit, the codes served', async () => {
      const from = await lastId();
      const first = await get(officer, '/api/v1/tickets?limit=2&issueType=MISSING_DOSE').expect(200);
      expect(first.body.items.map((i: { trackingCode: string }) => i.trackingCode)).toEqual([
        tickets[0].trackingCode,
        tickets[1].trackingCode,
      ]);
      // The list itself: identity number and phone masked, the year of birth alone.
      expect(first.body.items[0].citizen).toMatchObject({ citizenId: expect.stringMatching(/^\d{3}\*{6}\d{3}$/) });
      expect(first.body.items[0].citizen.dateOfBirth).toBe('1990');
      const second = await get(
        officer,
        `/api/v1/tickets?limit=2&issueType=MISSING_DOSE&cursor=${first.body.nextCursor}`,
      ).expect(200);
      expect(second.body.items.map((i: { trackingCode: string }) => i.trackingCode)).toEqual([tickets[2].trackingCode]);

      const rows = await rowsAfter(from);
      expect(rows).toEqual([
        expect.objectContaining({
          action: 'QUEUE_PAGE',
          ...actorOf(officer),
          ticket_codes: [tickets[0].trackingCode, tickets[1].trackingCode],
          query: { issueType: 'MISSING_DOSE', cursor: false, limit: 2 },
          details: null,
          at: clock.now(),
        }),
        expect.objectContaining({
          action: 'QUEUE_PAGE',
          ticket_codes: [tickets[2].trackingCode],
          query: { issueType: 'MISSING_DOSE', cursor: true, limit: 2 },
        }),
      ]);
      // supertest talks to the app over loopback.
      expect(rows[0].client_address).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
      expectNothingPersonal(rows, tickets);
    });

    it('an empty page is recorded too, and a filter holding an identity or phone number is masked', async () => {
      const from = await lastId();
      await get(officer, '/api/v1/tickets?campaign=001090012345&unitCode=00037').expect(200);
      await get(officer, '/api/v1/tickets?campaign=%2B84912345678').expect(200);
      const rows = await rowsAfter(from);
      expect(rows.map((r) => [r.ticket_codes, r.query])).toEqual([
        [[], { campaign: '[redacted]', unitCode: '00037', cursor: false, limit: 50 }],
        [[], { campaign: '[redacted]', cursor: false, limit: 50 }],
      ]);
      expectNothingPersonal(rows, tickets);
    });

    it('the single view with the full identity number: IDENTITY_VIEWED with the code, beside the history entry', async () => {
      const from = await lastId();
      const ticket = tickets[0];
      const res = await get(supervisor, `/api/v1/tickets/${ticket.trackingCode}`).expect(200);
      expect(res.body.citizen.dateOfBirth).toBe(ticket.citizenDob);
      expect(res.body.history.map((h: { action: string }) => h.action)).toContain('IDENTITY_VIEWED');
      expect(await rowsAfter(from)).toEqual([
        expect.objectContaining({
          action: 'IDENTITY_VIEWED',
          ...actorOf(supervisor),
          ticket_codes: [ticket.trackingCode],
          query: null,
          details: null,
        }),
      ]);
    });

    it('a proof file: ATTACHMENT_DOWNLOADED with the code and the file', async () => {
      const ticket = tickets[1];
      const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('proof')]);
      const file = await newAttachment(t, ticket, png, 'image/png');
      const from = await lastId();
      const res = await binary(officer, `/api/v1/tickets/${ticket.trackingCode}/attachments/${file.id}`).expect(200);
      expect(Buffer.compare(res.body as Buffer, png)).toBe(0);
      expect(await rowsAfter(from)).toEqual([
        expect.objectContaining({
          action: 'ATTACHMENT_DOWNLOADED',
          ...actorOf(officer),
          ticket_codes: [ticket.trackingCode],
          details: { attachmentId: file.id },
          query: null,
        }),
      ]);
    });

    it('an export: EXPORT with the scope exported', async () => {
      const from = await lastId();
      await binary(supervisor, '/api/v1/sla/summary.csv?unitCode=001&campaign=2021-11').expect(200);
      await binary(officer, '/api/v1/sla/summary.csv').expect(200);
      await binary(admin, '/api/v1/sla/summary.csv').expect(200);
      const rows = await rowsAfter(from);
      expect(rows).toEqual([
        expect.objectContaining({
          action: 'EXPORT',
          ...actorOf(supervisor),
          ticket_codes: [],
          query: { export: 'sla-summary.csv', unitCode: '001', campaign: '2021-11' },
        }),
        expect.objectContaining({
          action: 'EXPORT',
          ...actorOf(officer),
          query: { export: 'sla-summary.csv', unitCode: '00001', campaign: null },
        }),
        expect.objectContaining({
          action: 'EXPORT',
          ...actorOf(admin),
          query: { export: 'sla-summary.csv', unitCode: null, campaign: null },
        }),
      ]);
      expectNothingPersonal(rows, tickets);
    });

    it('nothing served, nothing recorded: refusals, 404s outside the reach, bad requests', async () => {
      const from = await lastId();
      const ticket = tickets[2];
      const file = await newAttachment(t, ticket, Buffer.from('%PDF-1.4 x'), 'application/pdf');
      await get(outsider, `/api/v1/tickets/${ticket.trackingCode}`).expect(404);
      await get(officer, `/api/v1/tickets/${unknownTrackingCode()}`).expect(404);
      await get(outsider, `/api/v1/tickets/${ticket.trackingCode}/attachments/${file.id}`).expect(404);
      await get(officer, '/api/v1/tickets?limit=0').expect(400);
      await get(officer, '/api/v1/tickets?cursor=forged').expect(400);
      await get(officer, '/api/v1/sla/summary.csv?unitCode=79').expect(404);
      await t.http.get('/api/v1/tickets').expect(401);
      expect(await rowsAfter(from)).toEqual([]);
    });

    it('fails the request, serving nothing, when its row cannot be written', async () => {
      const ticket = tickets[0];
      const file = await newAttachment(t, ticket, Buffer.from('%PDF-1.4 y'), 'application/pdf');
      await t.db.query(`
        CREATE FUNCTION audit_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit store broken (test)'; END $$`);
      await t.db.query(
        `CREATE TRIGGER tr_audit_test_refuse BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_test_refuse()`,
      );
      try {
        const answers = [
          await get(officer, '/api/v1/tickets'),
          await get(officer, `/api/v1/tickets/${ticket.trackingCode}`),
          await binary(officer, `/api/v1/tickets/${ticket.trackingCode}/attachments/${file.id}`),
          await binary(officer, '/api/v1/sla/summary.csv'),
        ];
        for (const res of answers) {
          expect(res.status).toBe(500);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          const body = Buffer.isBuffer(res.body) ? res.body.toString('utf8') : JSON.stringify(res.body);
          expect(body).not.toContain(ticket.trackingCode);
          expect(body).not.toContain(ticket.citizenName);
          expect(body).not.toMatch(/\d{12}/);
          expect(body).not.toContain('%PDF');
        }
      } finally {
        await t.db.query(`DROP TRIGGER tr_audit_test_refuse ON audit_log`);
        await t.db.query(`DROP FUNCTION audit_test_refuse()`);
      }
      await get(officer, '/api/v1/tickets').expect(200);
    });
  });

  describe('append-only in the database', () => {
    it('refuses UPDATE, DELETE and TRUNCATE, and the rows stay as written', async () => {
      await get(officer, '/api/v1/tickets').expect(200);
      const before = await t.db.query(`SELECT * FROM audit_log ORDER BY id`);
      expect(before.length).toBeGreaterThan(0);
      const id = before[before.length - 1].id;
      await expect(
        t.db.query(`UPDATE audit_log SET actor_username = 'someone-else' WHERE id = $1`, [id]),
      ).rejects.toThrow(/audit_log is append-only: UPDATE refused/);
      await expect(t.db.query(`UPDATE audit_log SET ticket_codes = '{}'`)).rejects.toThrow(/append-only/);
      await expect(t.db.query(`DELETE FROM audit_log WHERE id = $1`, [id])).rejects.toThrow(
        /audit_log is append-only: DELETE refused/,
      );
      await expect(t.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      await expect(t.db.query(`TRUNCATE audit_log`)).rejects.toThrow(/audit_log is append-only: TRUNCATE refused/);
      // A superuser's session_replication_role = replica skips ordinary triggers, not these.
      await expect(
        t.db.transaction(async (m) => {
          await m.query(`SET LOCAL session_replication_role = replica`);
          await m.query(`DELETE FROM audit_log WHERE id = $1`, [id]);
        }),
      ).rejects.toThrow(/append-only/);
      expect(await t.db.query(`SELECT * FROM audit_log ORDER BY id`)).toEqual(before);
    });
  });

  describe('GET /api/v1/admin/audit', () => {
    let view: AuditRow & { code: string };
    let listed: TestTicket;
    let mark: Date;
    beforeAll(async () => {
      // A later hour than the tests above, so that `from` separates these rows from theirs.
      clock.set('2021-11-04T09:00:00+07:00');
      mark = clock.now();
      listed = await newTicket(t, { unitCode: '00001' });
      await get(officer, '/api/v1/tickets?limit=100').expect(200);
      clock.advance(60_000);
      await get(supervisor, `/api/v1/tickets/${listed.trackingCode}`).expect(200);
      clock.advance(60_000);
      // Two rows at the same instant: the id breaks the tie.
      await get(officer, `/api/v1/tickets/${listed.trackingCode}`).expect(200);
      await get(admin, '/api/v1/sla/summary.csv').expect(200);
      const [row] = await t.db.query(
        `SELECT a.id::text AS id FROM audit_log a WHERE a.action = 'IDENTITY_VIEWED' AND a.actor_user_id = $1 ORDER BY a.id DESC LIMIT 1`,
        [supervisor.user.id],
      );
      view = { ...row, code: listed.trackingCode };
    });
    const list = (query: string, who: Official = admin) => get(who, `/api/v1/admin/audit${query}`);

    it('lists newest first, each row with who, what, which tickets, the query and when', async () => {
      const res = await list(`?from=${encodeURIComponent(mark.toISOString())}`).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(
        res.body.items.map((i: { action: string; actor: { username: string } }) => [i.action, i.actor.username]),
      ).toEqual([
        ['EXPORT', admin.username],
        ['IDENTITY_VIEWED', officer.username],
        ['IDENTITY_VIEWED', supervisor.username],
        ['QUEUE_PAGE', officer.username],
      ]);
      const [exported, , viewed, page] = res.body.items;
      expect(viewed).toEqual({
        id: view.id,
        at: '2021-11-04T09:01:00.000+07:00',
        action: 'IDENTITY_VIEWED',
        actor: { id: supervisor.user.id, username: supervisor.username, role: 'SUPERVISOR', unitCode: '001' },
        ticketCodes: [listed.trackingCode],
        subject: null,
        query: null,
        details: null,
        clientAddress: expect.stringMatching(/127\.0\.0\.1|::1/),
      });
      expect(page.ticketCodes).toContain(listed.trackingCode);
      expect(page.query).toEqual({ cursor: false, limit: 100 });
      expect(exported.at).toBe('2021-11-04T09:02:00.000+07:00');
      expect(exported.query).toEqual({ export: 'sla-summary.csv', unitCode: null, campaign: null });
    });

    it('filters by actor (any case), action, ticket and time, combined', async () => {
      const actions = async (query: string) =>
        (await list(query).expect(200)).body.items.map((i: { action: string }) => i.action);
      const since = `from=${encodeURIComponent('2021-11-04T09:00:00+07:00')}`;
      expect(await actions(`?${since}&actor=${supervisor.username.toUpperCase()}`)).toEqual(['IDENTITY_VIEWED']);
      expect(await actions(`?${since}&action=QUEUE_PAGE`)).toEqual(['QUEUE_PAGE']);
      // The ticket's rows: the page that served it and both views; the code as typed, in lower case without dashes.
      const code = listed.trackingCode.toLowerCase().replace(/-/g, '');
      expect(await actions(`?ticket=${code}`)).toEqual(['IDENTITY_VIEWED', 'IDENTITY_VIEWED', 'QUEUE_PAGE']);
      expect(await actions(`?ticket=${listed.trackingCode}&actor=${officer.username}`)).toEqual([
        'IDENTITY_VIEWED',
        'QUEUE_PAGE',
      ]);
      // `from` inclusive, `to` exclusive.
      const window = `from=${encodeURIComponent('2021-11-04T09:01:00+07:00')}&to=${encodeURIComponent('2021-11-04T02:02:00Z')}`;
      expect(await actions(`?${window}`)).toEqual(['IDENTITY_VIEWED']);
      expect(await actions(`?ticket=${unknownTrackingCode()}`)).toEqual([]);
      expect(await actions(`?actor=nobody-at-all`)).toEqual([]);
    });

    it('pages with a keyset cursor: every row once, in order, whatever the page size', async () => {
      const all = (await list('?limit=100').expect(200)).body.items.map((i: { id: string }) => i.id);
      expect(all.length).toBeGreaterThan(10);
      for (const limit of [1, 3, 7]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await list(
            `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
          ).expect(200);
          expect(res.body.items.length).toBeLessThanOrEqual(limit);
          seen.push(...res.body.items.map((i: { id: string }) => i.id));
          cursor = res.body.nextCursor;
        } while (cursor && seen.length <= all.length);
        expect(seen).toEqual(all.slice(0, seen.length));
        expect(new Set(seen).size).toBe(seen.length);
        // Reading the log is not itself an access to citizens' data: it adds no row while being read.
        expect(seen.length).toBe(all.length);
      }
      const ats = (await list('?limit=100').expect(200)).body.items.map((i: { at: string; id: string }) => [
        Date.parse(i.at),
        BigInt(i.id),
      ]);
      for (let k = 1; k < ats.length; k++) {
        const [at, id] = ats[k];
        const [prevAt, prevId] = ats[k - 1];
        expect(at < prevAt || (at === prevAt && id < prevId)).toBe(true);
      }
    });

    it('refuses a forged cursor and bad filters with 400', async () => {
      const codes = async (query: string) =>
        (await list(query).expect(400)).body.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`);
      expect(await codes('?cursor=forged')).toEqual(['cursor:CURSOR_INVALID']);
      const wellFormedElsewhere = Buffer.from(JSON.stringify(['2021-11-04T02:00:00.000Z', 'x'])).toString('base64url');
      expect(await codes(`?cursor=${wellFormedElsewhere}`)).toEqual(['cursor:CURSOR_INVALID']);
      expect(await codes('?action=DELETED_EVERYTHING')).toEqual(['action:isEnum']);
      expect(await codes('?ticket=NOT-A-CODE')).toEqual(['ticket:TRACKING_CODE_INVALID']);
      expect(await codes('?from=2021-11-04')).toEqual(['from:isInstantWithOffset']);
      expect(await codes('?to=yesterday')).toEqual(['to:isInstantWithOffset']);
      expect(await codes('?limit=101')).toEqual(['limit:max']);
      expect(await codes('?actor=a')).toEqual(['actor:isUsername']);
    });

    it('is for admins only: 403 for a supervisor and an officer, 401 without a login', async () => {
      const supervisorRes = await list('', supervisor).expect(403);
      expect(JSON.stringify(supervisorRes.body)).not.toContain(listed.trackingCode);
      await list('', officer).expect(403);
      await t.http.get('/api/v1/admin/audit').expect(401);
    });

    it('is in the OpenAPI document', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      const op = doc.paths['/api/v1/admin/audit'].get;
      expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
        ['action', 'actor', 'cursor', 'from', 'limit', 'ticket', 'to'].sort(),
      );
      expect(doc.components.schemas.AuditEntryView.required).toEqual(
        expect.arrayContaining(['id', 'at', 'action', 'actor', 'ticketCodes', 'query', 'details', 'clientAddress']),
      );
    });
  });
});

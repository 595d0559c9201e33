import { FakeClock } from '@phananh/core';
import { AuthService, Role } from '@phananh/identity';
import { TicketStatus } from '@phananh/ticket-store';
import { Official, TestApp, changeTicket, createTestApp, newOfficial, newTicket } from '@test/support';
import { EXPECTED, REFUSED, SAME, STATUSES } from '../../workflow-table';

/**
 * The whole workflow over HTTP, every action from every status, against the table written out by
 * hand in test/workflow-table.ts (merge, which needs a second report, has its own suite:
 * duplicates.e2e-spec.ts): each cell is a fresh ticket in Phúc Xá (00001) and one request. An officer of the unit acts; a supervisor of
 * its district reopens (officers may not, in any status).
 */
/** A valid body for each action, so that only the status decides. */
const BODIES: Record<string, object> = {
  start: {},
  resolve: { resolution: 'Đã bổ sung mũi 2' },
  defer: { reason: 'Cần đối chiếu sổ tiêm' },
  reject: { reasonCode: 'NAME_MISMATCH' },
  transfer: { unitCode: '00004', reason: 'Tiêm tại phường Trúc Bạch' },
  comment: { text: 'Đã gọi cho người dân' },
  reopen: { reason: 'Chưa sửa đúng' },
};

describe('officials: the workflow table, every action from every status', () => {
  let t: TestApp;
  let officer: Official;
  let supervisor: Official;

  beforeAll(async () => {
    t = await createTestApp({ clock: new FakeClock('2021-11-03T08:00:00+07:00'), worker: false });
    officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    supervisor = await newOfficial(t, { role: Role.Supervisor, unitCode: '001' });
  });
  afterAll(() => t.close());

  const act = (who: Official, code: string, action: string) =>
    t.http
      .post(`/api/v1/tickets/${code}/${action === 'comment' ? 'comments' : action}`)
      .set('Authorization', `Bearer ${t.app.get(AuthService).issue(who.user).accessToken}`)
      .send(BODIES[action]);
  /** A fresh ticket of the unit in `status`; a merged one points at the report it was folded into. */
  const ticketIn = async (status: string): Promise<string> => {
    if (status !== 'MERGED')
      return (await newTicket(t, { unitCode: '00001', status: status as TicketStatus })).trackingCode;
    const into = await newTicket(t, { unitCode: '00001' });
    const merged = await newTicket(t, { unitCode: '00001', status: TicketStatus.Resolved });
    await changeTicket(t, merged.trackingCode, { status: TicketStatus.Merged, mergedInto: into.id });
    return merged.trackingCode;
  };
  const row = async (code: string) =>
    (await t.db.query(`SELECT status, unit_code FROM tickets WHERE tracking_code = $1`, [code]))[0];

  const cells = Object.entries(EXPECTED)
    .filter(([action]) => action !== 'merge')
    .flatMap(([action, expected]) => STATUSES.map((status, i) => [action, status, expected[i]] as const));

  it.each(cells)('%s from %s → %s', async (action, status, expected) => {
    const code = await ticketIn(status);
    const res = await act(action === 'reopen' ? supervisor : officer, code, action);
    if (expected === REFUSED) {
      expect({ status: res.status, type: res.body.type }).toEqual({
        status: 409,
        type: 'urn:phananh:problem:transition-not-allowed',
      });
      expect(await row(code)).toEqual({ status, unit_code: '00001' });
      return;
    }
    const after = expected === SAME ? status : expected;
    expect({ status: res.status, ticket: res.body.status }).toEqual({ status: 200, ticket: after });
    expect(await row(code)).toEqual({ status: after, unit_code: action === 'transfer' ? '00004' : '00001' });
  });

  it.each(STATUSES)('refuses an officer reopening from %s with 403', async (status) => {
    const code = await ticketIn(status);
    await act(officer, code, 'reopen').expect(403);
    expect(await row(code)).toEqual({ status, unit_code: '00001' });
  });
});

import ExcelJS from 'exceljs';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { TicketStatus } from '@phananh/ticket-store';
import { Official, TestApp, binaryBody, createTestApp, newOfficial, newTicket } from '@test/support';

const NOW = '2021-11-05T12:00:00+07:00';
const at = (local: string) => new Date(`${local}+07:00`);

/**
 * The road to the cutoff and the exports, on a data set small enough to check by hand
 * (campaign 2021-11: start 3 Nov 00:00, cutoff 13 Nov 00:00, so one point per hour).
 *
 * District 001 (Ba Đình):
 *   A 00001 received 03 01:30, resolved on time 03 05:10   (filed step 1, closed step 5)
 *   B 00001 received 03 02:15, resolved late    05 06:30   (due 05 02:15; filed step 2, closed step 54)
 *   C 00001 received 04 10:00, open                       (step 34)
 *   D 00001 received 05 09:30, rejected         05 10:30   (steps 57, 58)
 *   E 00004 received 04 20:00, open                       (step 44)
 *   F 00004 received 05 11:00, open                       (step 59)
 * Outside: G in another province (26740), H in district 001 but before the campaign.
 */
describe('the road to the cutoff: burn-down, on-time by day, at-risk units, exports', () => {
  let t: TestApp;
  const people: Record<string, Official> = {};

  beforeAll(async () => {
    t = await createTestApp({ clock: new FakeClock(NOW) });
    for (const [name, role, unit] of [
      ['officer', Role.Officer, '00001'],
      ['district', Role.Supervisor, '001'],
      ['ward', Role.Supervisor, '00004'],
      ['admin', Role.Admin, null],
    ] as const) {
      people[name] = await newOfficial(t, { role, unitCode: unit, username: `road-${name}` });
    }
    const closed = (unitCode: string, received: string, status: TicketStatus, closedAt: string) =>
      newTicket(t, { unitCode, receivedAt: at(received), status, closedAt: at(closedAt) });
    await closed('00001', '2021-11-03T01:30', TicketStatus.Resolved, '2021-11-03T05:10');
    await closed('00001', '2021-11-03T02:15', TicketStatus.Resolved, '2021-11-05T06:30');
    await newTicket(t, {
      unitCode: '00001',
      receivedAt: at('2021-11-04T10:00'),
      citizenId: '001090123456',
      phone: '0987654321',
      citizenName: 'Nguyễn Văn Cờ',
    });
    await closed('00001', '2021-11-05T09:30', TicketStatus.Rejected, '2021-11-05T10:30');
    await newTicket(t, { unitCode: '00004', receivedAt: at('2021-11-04T20:00') });
    await newTicket(t, { unitCode: '00004', receivedAt: at('2021-11-05T11:00') });
    await newTicket(t, { unitCode: '26740', receivedAt: at('2021-11-03T03:00') });
    await newTicket(t, { unitCode: '00001', receivedAt: at('2021-11-01T08:00'), campaignCode: null });
  });
  afterAll(() => t.close());

  const get = (who: string, path: string) => t.http.get(`/api/v1/${path}`).set('Authorization', people[who].bearer);

  it('draws the burn-down of a district hour by hour, with the pace and the projected finish', async () => {
    const res = await get('district', 'sla/burndown').expect(200);
    expect(res.body.unit).toMatchObject({ code: '001' });
    expect(res.body.campaign).toEqual({
      code: '2021-11',
      name: expect.any(String),
      intakeFrom: '2021-11-03T00:00:00.000+07:00',
      cutoffAt: '2021-11-13T00:00:00.000+07:00',
    });
    expect(res.body.stepMinutes).toBe(60);
    const points: { at: string; open: number; filed: number; closed: number }[] = res.body.points;
    expect(points).toHaveLength(60);
    expect(points[0]).toEqual({ at: '2021-11-03T01:00:00.000+07:00', open: 0, filed: 0, closed: 0 });
    expect(points.at(-1)).toEqual({ at: '2021-11-05T12:00:00.000+07:00', open: 3, filed: 1, closed: 0 });
    const openAt = (k: number) => points[k].open;
    expect([1, 2, 4, 5, 33, 34, 44, 53, 54, 57, 58, 59].map(openAt)).toEqual([1, 2, 2, 1, 1, 2, 3, 3, 2, 3, 2, 3]);
    expect(points.reduce((n, p) => n + p.filed, 0)).toBe(6);
    expect(points.reduce((n, p) => n + p.closed, 0)).toBe(3);
    // B (06:30) and D (10:30) closed in the last 6 hours: 1 every 3 hours; 3 open, 180 hours left.
    expect(res.body).toMatchObject({
      now: '2021-11-05T12:00:00.000+07:00',
      openNow: 3,
      pacePerHour: 0.33,
      neededPerHour: 0.02,
      projectedFinishAt: '2021-11-05T21:00:00.000+07:00',
      onTrack: true,
    });
  });

  it('gives the on-time rate by the local day of resolution', async () => {
    const res = await get('district', 'sla/on-time-by-day?campaign=2021-11').expect(200);
    expect(res.body.days).toEqual([
      { day: '2021-11-03', resolvedOnTime: 1, resolvedLate: 0, onTimeRate: 1 },
      { day: '2021-11-05', resolvedOnTime: 0, resolvedLate: 1, onTimeRate: 0 },
    ]);
  });

  it('lists the units below projected to miss: the ward that closed nothing lately', async () => {
    const res = await get('district', 'sla/at-risk').expect(200);
    expect(res.body.units).toEqual([
      {
        unit: { code: '00004', name: expect.any(String), level: 'ward' },
        open: 2,
        pacePerHour: 0,
        neededPerHour: 0.01,
        projectedFinishAt: null,
      },
    ]);
  });

  it('narrows an officer to the own unit and an admin may read the country', async () => {
    const officer = await get('officer', 'sla/burndown').expect(200);
    expect(officer.body.unit).toMatchObject({ code: '00001' });
    expect(officer.body.points.at(-1).open).toBe(1);
    const country = await get('admin', 'sla/burndown').expect(200);
    expect(country.body.unit).toBeNull();
    expect(country.body.openNow).toBe(4);
  });

  it.each([
    ['a ward supervisor, its district', 'ward', '001'],
    ['a district supervisor, another province', 'district', '26740'],
    ['a district supervisor, an unknown unit', 'district', '99999'],
  ])('answers 404 to %s, for every series and export', async (_what, who, unit) => {
    for (const path of [
      'sla/burndown',
      'sla/on-time-by-day',
      'sla/at-risk',
      'exports/tickets.csv',
      'exports/tickets.xlsx',
      'exports/figures.xlsx',
    ]) {
      const res = await get(who, `${path}?unitCode=${unit}`).expect(404);
      expect(res.type).toBe('application/problem+json');
    }
  });

  it('refuses an unknown campaign', async () => {
    const res = await get('district', 'sla/burndown?campaign=1999-01').expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'campaign', code: 'campaignUnknown' })]);
  });

  it('exports the ticket list as CSV with a BOM, identity numbers masked and no phone', async () => {
    const res = await get('district', 'exports/tickets.csv').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="phan-anh-001.csv"');
    const body = (res.body as Buffer).toString('utf8');
    expect(body.startsWith('\uFEFFMã phản ánh,Trạng thái,')).toBe(true);
    const lines = body.slice(1).trimEnd().split('\r\n');
    // The queue's default: the open tickets, most urgent first (H, outside the campaign, then C, E, F).
    expect(lines).toHaveLength(5);
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual([
      '2021-11-01 08:00',
      '2021-11-04 10:00',
      '2021-11-04 20:00',
      '2021-11-05 11:00',
    ]);
    expect(lines[0]).not.toMatch(/điện thoại|phone/i);
    const c = lines.find((l) => l.includes('Nguyễn Văn Cờ'))!;
    expect(c).toContain('001******456');
    expect(c).toContain(',1990,');
    expect(body).not.toContain('001090123456');
    expect(body).not.toMatch(/0987654321|987654321|\+84/);
    expect(body).not.toContain('0912345678');
    const resolved = await get('district', 'exports/tickets.csv?status=RESOLVED')
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect((resolved.body as Buffer).toString('utf8').trimEnd().split('\r\n')).toHaveLength(3);
    // The queue's assignee filter too: nobody has a ticket yet, so "mine" is the header alone.
    const mine = await get('district', 'exports/tickets.csv?assignee=mine').buffer(true).parse(binaryBody).expect(200);
    expect((mine.body as Buffer).toString('utf8').trimEnd().split('\r\n')).toHaveLength(1);
    const unassigned = await get('district', 'exports/tickets.csv?assignee=unassigned')
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect((unassigned.body as Buffer).toString('utf8').trimEnd().split('\r\n')).toHaveLength(5);
    await get('district', 'exports/tickets.csv?assignee=someone').expect(400);
  });

  it('exports the same list as XLSX that exceljs reads back', async () => {
    const res = await get('district', 'exports/tickets.xlsx').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as never);
    const sheet = book.getWorksheet('Phản ánh')!;
    expect(sheet.rowCount).toBe(5);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toContain('Số định danh (đã che)');
    const rows = [2, 3, 4, 5].map((n) => (sheet.getRow(n).values as unknown[]).slice(1).join('|'));
    const c = rows.find((r) => r.includes('Nguyễn Văn Cờ'))!;
    expect(c).toContain('001******456');
    expect(rows.join('\n')).not.toMatch(/001090123456|0987654321|0912345678/);
  });

  it('exports the figures as XLSX with a row per unit and the totals', async () => {
    const res = await get('district', 'exports/figures.xlsx').buffer(true).parse(binaryBody).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as never);
    const sheet = book.getWorksheet('Số liệu')!;
    const last = (sheet.getRow(sheet.rowCount).values as unknown[]).slice(1);
    // Received 7 and open 4: H too, since the figures without a campaign count every ticket.
    expect(last.slice(0, 8)).toEqual([
      '001',
      expect.stringMatching(/^Tổng cộng — /),
      7,
      4,
      expect.any(Number),
      1,
      1,
      1,
    ]);
    const ward = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(ward[0]).toMatch(/^\d{5}$/);
  });

  it('records each export in the audit log', async () => {
    const rows: { query: { export: string } }[] = await t.db.query(
      `SELECT query FROM audit_log WHERE action = 'EXPORT' ORDER BY id`,
    );
    expect(rows.map((r) => r.query.export)).toEqual(
      expect.arrayContaining(['tickets.csv', 'tickets.xlsx', 'figures.xlsx']),
    );
  });
});

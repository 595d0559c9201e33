import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import { FakeClock } from '@phananh/core';
import { Role } from '@phananh/identity';
import { PRIVACY_NOTICE_VERSION } from '@phananh/reports';
import { TicketStatus } from '@phananh/ticket-store';
import { Official, TestApp, createTestApp, newOfficial } from '@test/support';
import { Citizen, newCitizen } from '../public/report-bodies';

const BASE = '/open311/v2';
/** Parses as the specification's XML examples read: numbers and booleans stay text, lists stay lists. */
const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'].includes(name),
});

/** A request's form fields for a citizen (attribute[…] for the citizen's and the dose's fields). */
function form(citizen: Citizen, over: Record<string, string | undefined> = {}): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    service_code: 'MISSING_DOSE',
    address_id: '00001',
    description: 'Mũi 2 chưa có trên Sổ sức khỏe điện tử',
    'attribute[full_name]': citizen.fullName,
    'attribute[date_of_birth]': citizen.dateOfBirth,
    'attribute[citizen_id]': citizen.citizenId,
    'attribute[phone]': citizen.phone,
    'attribute[dose_number]': '2',
    'attribute[vaccine_code]': 'COMIRNATY',
    'attribute[vaccinated_on]': '2021-10-20',
    'attribute[facility_name]': 'Trạm Y tế phường Phúc Xá',
    'attribute[consent_notice_version]': PRIVACY_NOTICE_VERSION,
    ...over,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

describe('Open311 GeoReport v2', () => {
  let t: TestApp;
  let admin: Official;
  let apiKey: string;

  const issueKey = async (requestsPerMinute = 1000, name = 'Tổng đài 1022') =>
    (
      await t.http
        .post('/api/v1/admin/open311-keys')
        .set('Authorization', admin.bearer)
        .send({ name, requestsPerMinute })
        .expect(201)
    ).body as { id: string; key: string; keyPrefix: string };
  const post = (fields: Record<string, string>, fmt = 'json', key: string | null = apiKey) =>
    t.http
      .post(`${BASE}/requests.${fmt}`)
      .type('form')
      .send(key === null ? fields : { api_key: key, ...fields });
  /** Every personal value of a citizen, as it could appear in an answer (the phone in both notations). */
  const personal = (c: Citizen) => [c.citizenId, c.phone, `+84${c.phone.slice(1)}`, c.fullName, c.dateOfBirth];

  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { RATE_LIMIT_LOGINS_PER_MINUTE: '1000' } });
    admin = await newOfficial(t, { role: Role.Admin });
    apiKey = (await issueKey()).key;
  });
  afterAll(() => t.close());

  describe('the flow: discovery → services → POST with a key → token → request with expected_datetime', () => {
    it('in JSON', async () => {
      const discovery = await t.http.get(`${BASE}/discovery.json`).expect(200);
      expect(discovery.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
      expect(discovery.body.endpoints).toEqual([
        expect.objectContaining({
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: expect.stringMatching(/\/open311\/v2$/),
          type: 'production',
          formats: ['application/json', 'text/xml'],
        }),
      ]);
      // Without an extension: JSON (each supertest call listens on its own port, hence the url aside).
      const plain = await t.http.get(`${BASE}/discovery`).expect(200);
      expect({ ...plain.body, endpoints: undefined }).toEqual({ ...discovery.body, endpoints: undefined });

      const services = await t.http.get(`${BASE}/services.json`).set('Accept-Language', 'en').expect(200);
      expect(services.body.map((s: { service_code: string }) => s.service_code)).toEqual([
        'MISSING_DOSE',
        'WRONG_DOSE_INFO',
        'WRONG_PERSONAL_INFO',
        'DUPLICATE_RECORD',
        'OTHER',
      ]);
      expect(services.body[0]).toEqual({
        service_code: 'MISSING_DOSE',
        service_name: 'Missing dose',
        description: expect.any(String),
        metadata: true,
        type: 'realtime',
        keywords: expect.any(String),
        group: 'COVID-19 vaccination records',
      });

      const definition = await t.http.get(`${BASE}/services/MISSING_DOSE.json`).expect(200);
      expect(definition.body.service_code).toBe('MISSING_DOSE');
      const attrs = Object.fromEntries(
        definition.body.attributes.map((a: { code: string }) => [a.code, a] as const),
      ) as Record<string, { required: boolean; datatype: string; values?: { key: string }[]; variable: boolean }>;
      expect(Object.keys(attrs)).toEqual(
        expect.arrayContaining(['full_name', 'citizen_id', 'dose_number', 'vaccine_code', 'vaccinated_on']),
      );
      expect(attrs.citizen_id).toMatchObject({ required: true, datatype: 'string', variable: true });
      expect(attrs.dose_number.required).toBe(true);
      expect(attrs.vaccine_code.values).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: 'COMIRNATY' })]),
      );
      expect(attrs.consent_notice_version.values).toEqual([
        { key: PRIVACY_NOTICE_VERSION, name: PRIVACY_NOTICE_VERSION },
      ]);
      // A dose is optional for an issue that is not about one.
      const other = await t.http.get(`${BASE}/services/WRONG_PERSONAL_INFO.json`).expect(200);
      expect(other.body.attributes.find((a: { code: string }) => a.code === 'dose_number').required).toBe(false);

      const citizen = newCitizen();
      const filed = await post(form(citizen)).set('Accept-Language', 'en').expect(201);
      expect(filed.body).toEqual([
        {
          service_request_id: expect.stringMatching(/^\d+$/),
          token: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
          service_notice: expect.stringMatching(/^The citizen's tracking code: [0-9A-Z-]+\. Due by /),
          account_id: null,
        },
      ]);
      const [{ token, service_request_id: id }] = filed.body;

      const resolved = await t.http.get(`${BASE}/tokens/${token}.json`).expect(200);
      expect(resolved.body).toEqual([{ service_request_id: id, token }]);

      const one = await t.http.get(`${BASE}/requests/${id}.json`).set('Accept-Language', 'en').expect(200);
      expect(one.body).toEqual([
        {
          service_request_id: id,
          status: 'open',
          status_notes: 'Assigned to the health unit',
          service_name: 'Missing dose',
          service_code: 'MISSING_DOSE',
          // Routed like any report: to the province's department while ward 00001 has no official.
          agency_responsible: 'Department of Health, Thành phố Hà Nội',
          requested_datetime: '2021-11-03T08:00:00.000+07:00',
          updated_datetime: '2021-11-03T08:00:00.000+07:00',
          expected_datetime: '2021-11-05T08:00:00.000+07:00',
        },
      ]);
      // The report went through the citizens' intake: the same ticket, the same deadline.
      const [ticket] = await t.db.query(`SELECT status, due_at, unit_code FROM tickets WHERE id = $1`, [id]);
      expect(ticket).toMatchObject({ status: TicketStatus.Assigned, unit_code: '01' });
      expect(ticket.due_at.toISOString()).toBe('2021-11-05T01:00:00.000Z');
      const code = /: ([0-9A-Z-]+)\./.exec(filed.body[0].service_notice)![1];
      const lookup = await t.http
        .post('/api/v1/reports/lookup')
        .send({ trackingCode: code, citizenId: citizen.citizenId })
        .expect(200);
      expect(lookup.body.status).toBe('ASSIGNED');

      const listed = await t.http.get(`${BASE}/requests.json?service_request_id=${id}`).expect(200);
      expect(listed.body).toEqual([
        expect.objectContaining({ service_request_id: id, expected_datetime: '2021-11-05T08:00:00.000+07:00' }),
      ]);
    });

    it('in XML, as the specification shows it', async () => {
      const discovery = await t.http.get(`${BASE}/discovery.xml`).expect(200);
      expect(discovery.headers['content-type']).toMatch(/^text\/xml; charset=utf-8/);
      expect(discovery.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><discovery>/);
      expect(xml.parse(discovery.text).discovery.endpoints.endpoint[0].formats.format).toEqual([
        'application/json',
        'text/xml',
      ]);

      const services = xml.parse((await t.http.get(`${BASE}/services.xml`).expect(200)).text);
      expect(services.services.service).toHaveLength(5);
      expect(services.services.service[0]).toMatchObject({
        service_code: 'MISSING_DOSE',
        service_name: 'Thiếu mũi tiêm',
        metadata: 'true',
        type: 'realtime',
      });

      const definition = xml.parse((await t.http.get(`${BASE}/services/WRONG_DOSE_INFO.xml`).expect(200)).text);
      const attrs = definition.service_definition.attributes.attribute;
      expect(definition.service_definition.service_code).toBe('WRONG_DOSE_INFO');
      const dose = attrs.find((a: { code: string }) => a.code === 'dose_number');
      expect(dose).toMatchObject({
        variable: 'true',
        datatype: 'singlevaluelist',
        required: 'true',
        order: expect.any(String),
      });
      expect(dose.values.value.map((v: { key: string }) => v.key)).toEqual(['1', '2', '3', '4', '5']);

      const filed = await post(form(newCitizen(), { service_code: 'WRONG_DOSE_INFO' }), 'xml').expect(201);
      expect(filed.headers['content-type']).toMatch(/^text\/xml; charset=utf-8/);
      const [receipt] = xml.parse(filed.text).service_requests.request;
      expect(receipt).toEqual({
        service_request_id: expect.stringMatching(/^\d+$/),
        token: expect.any(String),
        service_notice: expect.stringMatching(/^Mã tra cứu của người dân: /),
        account_id: '',
      });

      const token = xml.parse((await t.http.get(`${BASE}/tokens/${receipt.token}.xml`).expect(200)).text);
      expect(token.service_requests.request).toEqual([
        { service_request_id: receipt.service_request_id, token: receipt.token },
      ]);

      const one = xml.parse((await t.http.get(`${BASE}/requests/${receipt.service_request_id}.xml`).expect(200)).text);
      expect(one.service_requests.request).toEqual([
        expect.objectContaining({
          service_request_id: receipt.service_request_id,
          status: 'open',
          service_code: 'WRONG_DOSE_INFO',
          expected_datetime: '2021-11-05T08:00:00.000+07:00',
        }),
      ]);
    });
  });

  describe("the specification's error lists", () => {
    it('a bad key: 403, [{ code, description }] in JSON and <errors><error> in XML; no report filed', async () => {
      const [{ n: before }] = await t.db.query(`SELECT count(*)::int AS n FROM tickets`);
      const bad = await post(form(newCitizen()), 'json', 'o311_not-a-key').set('Accept-Language', 'en').expect(403);
      expect(bad.body).toEqual([{ code: 403, description: 'Invalid api_key received (unknown or revoked)' }]);
      const missing = await post(form(newCitizen()), 'json', null).expect(403);
      expect(missing.body).toEqual([{ code: 403, description: expect.any(String) }]);
      const inXml = await post(form(newCitizen()), 'xml', 'nonsense').expect(403);
      expect(inXml.headers['content-type']).toMatch(/^text\/xml/);
      expect(xml.parse(inXml.text)).toEqual({
        '?xml': '',
        errors: { error: [{ code: '403', description: 'api_key không hợp lệ hoặc đã bị thu hồi' }] },
      });
      const [{ n: after }] = await t.db.query(`SELECT count(*)::int AS n FROM tickets`);
      expect(after).toBe(before);
    });

    it('an unknown service: 404 for its definition and for a POST', async () => {
      const def = await t.http.get(`${BASE}/services/POTHOLE.json`).set('Accept-Language', 'en').expect(404);
      expect(def.body).toEqual([{ code: 404, description: 'service_code not found' }]);
      const defXml = await t.http.get(`${BASE}/services/POTHOLE.xml`).expect(404);
      expect(xml.parse(defXml.text).errors.error).toEqual([{ code: '404', description: 'Không có service_code này' }]);
      const filed = await post(form(newCitizen(), { service_code: 'POTHOLE' }))
        .set('Accept-Language', 'en')
        .expect(404);
      expect(filed.body).toEqual([{ code: 404, description: 'service_code not found' }]);
      expect((await t.http.get(`${BASE}/requests/999999999.json`).expect(404)).body).toEqual([
        { code: 404, description: expect.any(String) },
      ]);
      expect((await t.http.get(`${BASE}/tokens/nope.json`).expect(404)).body).toEqual([
        { code: 404, description: expect.any(String) },
      ]);
      expect((await t.http.get(`${BASE}/services.csv`).expect(404)).body).toEqual([
        { code: 404, description: expect.any(String) },
      ]);
    });

    it('a missing field: 400, one entry per field named as GeoReport names it', async () => {
      const res = await post(
        form(newCitizen(), {
          'attribute[citizen_id]': undefined,
          address_id: undefined,
          'attribute[dose_number]': undefined,
        }),
      )
        .set('Accept-Language', 'en')
        .expect(400);
      expect(res.body).toEqual(
        expect.arrayContaining([
          { code: 400, description: 'attribute[citizen_id]: This field is required' },
          { code: 400, description: expect.stringMatching(/^attribute\[dose_number\]: /) },
          { code: 400, description: expect.stringMatching(/^address_id: /) },
        ]),
      );
      expect(res.body.every((e: { code: number }) => e.code === 400)).toBe(true);
      const noService = await post(form(newCitizen(), { service_code: undefined }), 'xml').expect(400);
      expect(xml.parse(noService.text).errors.error).toEqual([
        { code: '400', description: expect.stringMatching(/^service_code: /) },
      ]);
      // Consent as the portal requires it: the current privacy notice.
      const stale = await post(form(newCitizen(), { 'attribute[consent_notice_version]': '2020-01-01' })).expect(400);
      expect(stale.body).toEqual([
        { code: 400, description: expect.stringMatching(/^attribute\[consent_notice_version\]: /) },
      ]);
    });

    it('a JSON body instead of form fields: 415 as an error list', async () => {
      const res = await t.http
        .post(`${BASE}/requests.json`)
        .send({ api_key: apiKey, ...form(newCitizen()) })
        .expect(415);
      expect(res.body).toEqual([{ code: 415, description: expect.any(String) }]);
    });
  });

  describe('attacks', () => {
    it('a revoked key is refused like an unknown one, at once; issuing and revoking are audited', async () => {
      const issued = await issueKey(100, 'Ứng dụng đối tác');
      await post(form(newCitizen()), 'json', issued.key).expect(201);
      const list = await t.http.get('/api/v1/admin/open311-keys').set('Authorization', admin.bearer).expect(200);
      expect(list.body).toEqual(
        expect.arrayContaining([
          {
            id: issued.id,
            name: 'Ứng dụng đối tác',
            keyPrefix: issued.keyPrefix,
            requestsPerMinute: 100,
            createdAt: expect.any(String),
            revokedAt: null,
          },
        ]),
      );
      expect(JSON.stringify(list.body)).not.toContain(issued.key);
      const revoked = await t.http
        .post(`/api/v1/admin/open311-keys/${issued.id}/revoke`)
        .set('Authorization', admin.bearer)
        .expect(200);
      expect(revoked.body.revokedAt).toBe('2021-11-03T08:00:00.000+07:00');
      const refused = await post(form(newCitizen()), 'json', issued.key).set('Accept-Language', 'en').expect(403);
      expect(refused.body).toEqual([{ code: 403, description: 'Invalid api_key received (unknown or revoked)' }]);
      await t.http
        .post(`/api/v1/admin/open311-keys/${issued.id}/revoke`)
        .set('Authorization', admin.bearer)
        .expect(409);

      const audit = await t.db.query(
        `SELECT action, actor_username, details FROM audit_log WHERE details->>'keyId' = $1 ORDER BY id`,
        [issued.id],
      );
      expect(audit).toEqual([
        {
          action: 'OPEN311_KEY_ISSUED',
          actor_username: admin.username,
          details: { keyId: issued.id, name: 'Ứng dụng đối tác', requestsPerMinute: 100 },
        },
        {
          action: 'OPEN311_KEY_REVOKED',
          actor_username: admin.username,
          details: { keyId: issued.id, name: 'Ứng dụng đối tác' },
        },
      ]);
      expect(JSON.stringify(audit)).not.toContain(issued.key);
      // Only a hash is stored.
      const [row] = await t.db.query(`SELECT key_hash FROM open311_api_keys WHERE id = $1`, [issued.id]);
      expect(row.key_hash.toString('utf8')).not.toContain(issued.key.slice(5, 20));
    });

    it('each key has its own rate limit: the 4th POST in a minute is 429 with Retry-After; another key is unaffected', async () => {
      const slow = await issueKey(3, 'Slow partner');
      for (let i = 0; i < 3; i++) expect((await post(form(newCitizen()), 'json', slow.key)).status).toBe(201);
      const limited = await post(form(newCitizen()), 'xml', slow.key).set('Accept-Language', 'en').expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(xml.parse(limited.text).errors.error).toEqual([
        { code: '429', description: 'Too many requests with this api_key in a minute; try again later' },
      ]);
      await post(form(newCitizen()), 'json', apiKey).expect(201);
    });

    it('no answer carries a personal field: not the identity number, phone, name, date of birth, ward or free text', async () => {
      const citizen = newCitizen();
      const description = 'Ghi chú riêng của người dân 7f3a';
      const filed = await post(form(citizen, { description, 'attribute[lot_number]': 'LOT-SECRET-42' })).expect(201);
      const [{ service_request_id: id, token }] = filed.body;
      const answers = [
        filed.text,
        ...(await Promise.all(
          [
            `${BASE}/requests/${id}.json`,
            `${BASE}/requests/${id}.xml`,
            `${BASE}/requests.json`,
            `${BASE}/requests.xml`,
            `${BASE}/requests.json?status=open&service_code=MISSING_DOSE`,
            `${BASE}/tokens/${token}.json`,
            `${BASE}/tokens/${token}.xml`,
          ].map(async (path) => (await t.http.get(path).expect(200)).text),
        )),
      ];
      for (const text of answers) {
        for (const value of [...personal(citizen), description, 'LOT-SECRET-42']) expect(text).not.toContain(value);
        expect(text).not.toMatch(/\b00001\b/); // the ward (address_id) is not shown either
      }
      const listed = JSON.parse(answers[3]) as Record<string, unknown>[];
      expect(listed.length).toBeGreaterThanOrEqual(1);
      for (const item of listed) {
        expect(Object.keys(item).sort()).toEqual(
          [
            'agency_responsible',
            'expected_datetime',
            'requested_datetime',
            'service_code',
            'service_name',
            'service_request_id',
            'status',
            'status_notes',
            'updated_datetime',
          ].sort(),
        );
      }
      // Nor an error: a bad identity number is named, never repeated.
      const bad = await post(form(newCitizen(), { 'attribute[citizen_id]': '001299999999' })).expect(400);
      expect(bad.text).not.toContain('001299999999');
    });

    it('XML injection in attributes and parameter names: stored as text, answers stay well-formed and say nothing more', async () => {
      const evil = `</facility_name><service_request_id>1</service_request_id><![CDATA[x]]>&amp;<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;`;
      const filed = await post(
        form(newCitizen(), { 'attribute[facility_name]': evil, description: evil }),
        'xml',
      ).expect(201);
      const [receipt] = xml.parse(filed.text).service_requests.request;
      expect(Object.keys(receipt).sort()).toEqual(['account_id', 'service_notice', 'service_request_id', 'token']);
      const [row] = await t.db.query(`SELECT facility_name FROM tickets WHERE id = $1`, [receipt.service_request_id]);
      expect(row.facility_name).toBe(evil);

      // An unknown attribute whose name is markup: refused, and its name is not echoed.
      const named = await post(
        form(newCitizen(), { [`attribute[</description></error><error><code>200]`]: 'x' }),
        'xml',
      ).expect(400);
      const parsed = xml.parse(named.text);
      expect(parsed.errors.error).toEqual([{ code: '400', description: expect.stringMatching(/^attribute\[…\]: /) }]);
      expect(named.text).not.toContain('<code>200');
      // A repeated parameter is refused too (no arrays reach the intake).
      const twice = await t.http
        .post(`${BASE}/requests.json`)
        .type('form')
        .send(`api_key=${apiKey}&service_code=OTHER&service_code=MISSING_DOSE`)
        .expect(400);
      expect(twice.body).toEqual([{ code: 400, description: expect.stringMatching(/^service_code: /) }]);
      // A prototype key is a parameter like any other: unknown, refused.
      const proto = await post(form(newCitizen(), { __proto__x: 'y', 'attribute[__proto__]': 'z' })).expect(400);
      expect(proto.body.length).toBe(2);
    });

    it('too many form fields: 413 as an error list', async () => {
      const many = Array.from({ length: 150 }, (_, i) => `f${i}=x`).join('&');
      const res = await t.http.post(`${BASE}/requests.json`).type('form').send(many).expect(413);
      expect(res.body).toEqual([{ code: 413, description: expect.any(String) }]);
    });
  });

  describe('GET requests', () => {
    it('filters by status, service and dates; closed reports say why; the span is at most 90 days', async () => {
      const filed = await post(
        form(newCitizen(), {
          service_code: 'OTHER',
          'attribute[dose_number]': undefined,
          'attribute[vaccine_code]': undefined,
          'attribute[vaccinated_on]': undefined,
          'attribute[facility_name]': undefined,
        }),
      ).expect(201);
      const id = filed.body[0].service_request_id;
      (t.clock as FakeClock).advance(60_000);
      await t.db.query(
        `UPDATE tickets SET status = 'REJECTED', rejection_reason_code = 'NAME_MISMATCH', closed_at = $2, updated_at = $2, sla_next_at = NULL WHERE id = $1`,
        [id, t.clock.now()],
      );
      const closed = await t.http
        .get(`${BASE}/requests.json?status=closed&service_code=OTHER`)
        .set('Accept-Language', 'en')
        .expect(200);
      expect(closed.body).toEqual([
        expect.objectContaining({
          service_request_id: id,
          status: 'closed',
          status_notes: 'Rejected: The name does not match',
          updated_datetime: '2021-11-03T08:01:00.000+07:00',
        }),
      ]);
      const open = await t.http.get(`${BASE}/requests.json?status=open`).expect(200);
      expect(open.body.length).toBeGreaterThan(0);
      expect(open.body.every((r: { status: string }) => r.status === 'open')).toBe(true);
      const past = await t.http
        .get(`${BASE}/requests.json?start_date=2021-10-01T00:00:00%2B07:00&end_date=2021-11-01T00:00:00%2B07:00`)
        .expect(200);
      expect(past.body).toEqual([]);
      expect(
        xml.parse(
          (
            await t.http
              .get(`${BASE}/requests.xml?start_date=2021-10-01T00:00:00Z&end_date=2021-11-01T00:00:00Z`)
              .expect(200)
          ).text,
        ),
      ).toEqual({ '?xml': '', service_requests: '' });
      const span = await t.http
        .get(`${BASE}/requests.json?start_date=2021-01-01T00:00:00Z&end_date=2021-11-01T00:00:00Z`)
        .set('Accept-Language', 'en')
        .expect(400);
      expect(span.body).toEqual([{ code: 400, description: expect.stringMatching(/^end_date: .*90 days/) }]);
      const badDate = await t.http.get(`${BASE}/requests.json?start_date=yesterday&status=maybe`).expect(400);
      expect(badDate.body).toHaveLength(2);
      await t.http.get(`${BASE}/requests.json?service_code=POTHOLE`).expect(404);
      await t.http.get(`${BASE}/requests.json?service_request_id=1,x`).expect(400);
    });
  });

  it('answers the admin routes only to admins', async () => {
    const officer = await newOfficial(t, { role: Role.Officer, unitCode: '00001' });
    await t.http.get('/api/v1/admin/open311-keys').expect(401);
    await t.http.get('/api/v1/admin/open311-keys').set('Authorization', officer.bearer).expect(403);
    await request(t.app.getHttpServer())
      .post('/api/v1/admin/open311-keys')
      .set('Authorization', officer.bearer)
      .send({ name: 'x' })
      .expect(403);
  });
});

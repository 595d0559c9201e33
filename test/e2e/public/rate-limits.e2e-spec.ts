import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TestApp, createTestApp, startApiApp, testConfig } from '@test/support';
import { REDIS_REFUSED, limiterFailures } from './limiter-failures';
import { newCitizen, reportBody } from './report-bodies';

describe('rate limits on the public endpoints (Redis-backed, per client address)', () => {
  let t: TestApp;
  const lookup = (from: string, app: INestApplication = t.app) =>
    request(app.getHttpServer())
      .post('/api/v1/reports/lookup')
      .set('X-Forwarded-For', from)
      .send({ trackingCode: '2345-6789-ABC', citizenId: '001090012345' });
  const file = (from: string) => t.http.post('/api/v1/reports').set('X-Forwarded-For', from).send(reportBody());

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: {
        RATE_LIMIT_LOOKUPS_PER_MINUTE: '3',
        RATE_LIMIT_FILINGS_PER_MINUTE: '4',
        RATE_LIMIT_LOGINS_PER_MINUTE: '2',
        RATE_LIMIT_OPEN311_READS_PER_MINUTE: '3',
        TRUST_PROXY: 'loopback',
      },
    });
  });
  afterAll(() => t.close());

  it('answers the 4th lookup in a minute with 429 problem+json and the seconds to wait in Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect([400, 404]).toContain((await lookup('203.0.113.1')).status);
    const limited = await lookup('203.0.113.1').set('Accept-Language', 'en');
    const answeredAt = Date.now();
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, type: 'urn:phananh:problem:too-many-requests' });
    expect(limited.body.title).toBe('Too many requests, try again later');
    const wait = Number(limited.headers['retry-after']);
    expect(Number.isInteger(wait)).toBe(true);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    const keys = await t.redis.keys(`${t.config.REDIS_PREFIX}:throttle:lookups:*`);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    // Retry-After is what was left of the window when the 429 was sent (the time since then aside).
    const pttl = await t.redis.pttl(keys[0]);
    const sinceAnswer = Math.ceil((Date.now() - answeredAt) / 1000);
    expect(Math.ceil(pttl / 1000)).toBeLessThanOrEqual(wait);
    expect(Math.ceil(pttl / 1000)).toBeGreaterThanOrEqual(wait - 1 - sinceAnswer);
  });

  it('counts withdrawals with lookups: one budget per address, then 429 with Retry-After', async () => {
    const withdraw = (from: string) =>
      t.http
        .post('/api/v1/reports/withdraw')
        .set('X-Forwarded-For', from)
        .send({ trackingCode: '2345-6789-ABC', citizenId: '001090012345' });
    for (let i = 0; i < 3; i++) expect([400, 404]).toContain((await withdraw('203.0.113.30')).status);
    const limited = await withdraw('203.0.113.30');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 429, type: 'urn:phananh:problem:too-many-requests' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Shared with the lookups: two lookups and one withdrawal use up the same three.
    expect([400, 404]).toContain((await lookup('203.0.113.31')).status);
    expect([400, 404]).toContain((await lookup('203.0.113.31')).status);
    expect([400, 404]).toContain((await withdraw('203.0.113.31')).status);
    expect((await withdraw('203.0.113.31')).status).toBe(429);
    expect((await lookup('203.0.113.31')).status).toBe(429);
  });

  it("limits Open311's public reads per address, answering the specification's error list", async () => {
    const read = (path: string, from: string) => t.http.get(`/open311/v2/${path}`).set('X-Forwarded-For', from);
    // A list, a report that does not exist and a token that does not: each counts, whatever it finds.
    expect((await read('requests.json', '203.0.113.60')).status).toBe(200);
    expect((await read('requests/999999999.json', '203.0.113.60')).status).toBe(404);
    expect((await read('tokens/00000000-0000-4000-8000-000000000000.xml', '203.0.113.60')).status).toBe(404);
    const json = await read('requests.json', '203.0.113.60');
    expect(json.status).toBe(429);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body).toEqual([{ code: 429, description: expect.any(String) }]);
    expect(Number(json.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const xml = await read('requests/1.xml', '203.0.113.60');
    expect(xml.status).toBe(429);
    expect(xml.text).toMatch(/<errors><error><code>429<\/code>/);
    // The description of the service stays open (static, small); another address has its own count.
    expect((await read('services.json', '203.0.113.60')).status).toBe(200);
    expect((await read('discovery.json', '203.0.113.60')).status).toBe(200);
    expect((await read('requests.json', '203.0.113.61')).status).toBe(200);
  });

  it('counts each client address on its own, and lookups apart from filings', async () => {
    expect((await lookup('203.0.113.2')).status).not.toBe(429);
    expect((await file('203.0.113.1')).status).toBe(201);
  });

  // The test server listens on loopback only, and loopback is one IPv6 address: the client
  // addresses come through X-Forwarded-For from a trusted proxy, as behind a load balancer.
  it('counts every IPv6 address of one /64 as one client, the next /64 apart', async () => {
    const statuses: number[] = [];
    for (const address of [
      '2001:db8:aa:bb::1',
      '2001:db8:aa:bb:1:2:3:4',
      '2001:db8:aa:bb:ffff::9',
      '2001:db8:aa:bb::2',
    ]) {
      statuses.push((await lookup(address)).status);
    }
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(statuses[3]).toBe(429);
    expect((await lookup('2001:db8:aa:bc::1')).status).not.toBe(429);
    expect((await lookup('2001:db8:aa:bb::3')).status).toBe(429);
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', async () => {
    for (const address of ['198.51.100.20', '::ffff:198.51.100.20', '::ffff:c633:6414']) {
      expect((await lookup(address)).status).not.toBe(429);
    }
    expect((await lookup('198.51.100.20')).status).toBe(429);
  });

  it('counts login attempts per /64 too, whatever the usernames', async () => {
    const login = (from: string, username: string) =>
      t.http.post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ username, password: 'not-the-password' });
    expect((await login('2001:db8:cc:dd::1', 'nobody-1')).status).toBe(401);
    expect((await login('2001:db8:cc:dd::2', 'nobody-2')).status).toBe(401);
    const limited = await login('2001:db8:cc:dd:9::3', 'nobody-3');
    expect(limited.status).toBe(429);
    expect(limited.body.type).toBe('urn:phananh:problem:too-many-logins');
    expect((await login('2001:db8:cc:de::1', 'nobody-4')).status).toBe(401);
  });

  it('limits filings at their own (higher) limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await file('198.51.100.7')).status);
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
  });

  it('holds across API processes sharing Redis', async () => {
    const second = await startApiApp({ config: t.config, clock: t.clock, logStream: t.logs });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await lookup('192.0.2.9', i % 2 ? second : t.app)).status);
      expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
      expect(statuses[3]).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('fails open when Redis is unavailable: reports are still accepted, promptly', async () => {
    const config = testConfig(t.env, {
      REDIS_URL: 'redis://127.0.0.1:1',
      RATE_LIMIT_FILINGS_PER_MINUTE: '1',
      RATE_LIMIT_LOOKUPS_PER_MINUTE: '1',
    });
    const offline = await startApiApp({ config, clock: t.clock, logStream: t.logs });
    const failures = limiterFailures(offline);
    try {
      const http = () => request(offline.getHttpServer());
      const codes: string[] = [];
      for (let i = 0; i < 3; i++) {
        const citizen = newCitizen();
        const res = await http().post('/api/v1/reports').send(reportBody(citizen)).expect(201);
        codes.push(res.body.trackingCode);
        await http()
          .post('/api/v1/reports/lookup')
          .send({ trackingCode: res.body.trackingCode, citizenId: citizen.citizenId })
          .expect(200);
      }
      // Promptly: nothing listens there, so every limiter call (a filing and a lookup each time) failed on
      // ioredis's refusal at once, none on the limiter's own 1 s timeout.
      expect(failures).toEqual(Array(6).fill(REDIS_REFUSED));
      const rows = await t.db.query(`SELECT sla_next_at FROM tickets WHERE tracking_code = ANY($1)`, [codes]);
      expect(rows).toHaveLength(3);
      expect(rows.every((r: { sla_next_at: Date | null }) => r.sla_next_at instanceof Date)).toBe(true);
      expect(t.logs.text()).toMatch(/rate limiter unavailable/);
    } finally {
      await offline.close();
    }
  });
});

import { TestApp, createTestApp } from '@test/support';

describe('foundation over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is live and ready when PostgreSQL and Redis (noeviction) answer', async () => {
    await t.http.get('/health/live').expect(200, { status: 'up' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.checks).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('serves Prometheus metrics with the HTTP histogram', async () => {
    await t.http.get('/api/v1/clock');
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/clock",status="200"\}/,
    );
  });

  it('publishes the OpenAPI document', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/clock', '/api/v1/reference/units']));
  });

  it('tells the time of the one clock, with the Viet Nam offset', async () => {
    const res = await t.http.get('/api/v1/clock').expect(200);
    expect(res.body).toEqual({ now: '2021-11-03T08:00:00.000+07:00', speed: 1 });
  });

  it('lists the provinces, and the wards of a district', async () => {
    const provinces = await t.http.get('/api/v1/reference/units').expect(200);
    expect(provinces.body).toHaveLength(63);
    expect(provinces.body[0]).toMatchObject({
      code: '01',
      name: 'Thành phố Hà Nội',
      level: 'province',
      healthUnitName: 'Sở Y tế Thành phố Hà Nội',
    });
    const wards = await t.http.get('/api/v1/reference/units?parent=001').expect(200);
    expect(wards.body.map((u: { code: string }) => u.code)).toContain('00001');
    const island = await t.http.get('/api/v1/reference/units?parent=318').expect(200);
    expect(island.body).toEqual([]);
    const vaccines = await t.http.get('/api/v1/reference/vaccines').expect(200);
    expect(vaccines.body.map((v: { code: string }) => v.code)).toEqual(expect.arrayContaining(['COMIRNATY', 'ABDALA']));
  });

  describe('errors are application/problem+json', () => {
    it('malformed JSON is 400', async () => {
      const res = await t.http.post('/api/v1/clock').set('Content-Type', 'application/json').send('{"a":');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: 'urn:phananh:problem:malformed-json',
        status: 400,
        title: 'Nội dung JSON không đọc được',
      });
    });

    it('a JSON body over 100 kB is 413', async () => {
      const res = await t.http
        .post('/api/v1/clock')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ a: 'x'.repeat(110_000) }));
      expect(res.status).toBe(413);
      expect(res.body.type).toBe('urn:phananh:problem:payload-too-large');
    });

    it('a bad query names its field, in Vietnamese by default and English on request', async () => {
      const vi = await t.http.get('/api/v1/reference/units?parent=abc').expect(400);
      expect(vi.body.errors).toEqual([{ field: 'parent', code: 'matches', message: 'Định dạng không hợp lệ' }]);
      const en = await t.http
        .get('/api/v1/reference/units?parent=abc')
        .set('Accept-Language', 'en-US,en;q=0.9')
        .expect(400);
      expect(en.body).toMatchObject({
        title: 'The request is not valid',
        errors: [{ field: 'parent', message: 'Invalid format' }],
      });
    });

    it('an unknown query field is an error on its own path', async () => {
      const res = await t.http.get('/api/v1/reference/units?parent=001&evil=1').expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'evil', code: 'whitelistValidation' })]);
    });

    it('an unknown route is 404 without revealing anything', async () => {
      const res = await t.http.get('/api/v1/nothing-here').expect(404);
      expect(res.body).toEqual({
        type: 'urn:phananh:problem:not-found',
        title: 'Không tìm thấy',
        status: 404,
        detail: 'Không tìm thấy',
      });
    });
  });

  it('sends security headers and a request id', async () => {
    const res = await t.http.get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});

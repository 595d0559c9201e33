import fc from 'fast-check';
import { TestApp, createTestApp } from '@test/support';
import { newCitizen, reportBody } from './report-bodies';

/** Every answer the public endpoints may give; anything 5xx is a bug. */
const ALLOWED = [200, 201, 400, 404, 413, 415, 422];

const PATHS = [
  [],
  ['citizen'],
  ['citizen', 'fullName'],
  ['citizen', 'dateOfBirth'],
  ['citizen', 'citizenId'],
  ['citizen', 'phone'],
  ['citizen', 'wardCode'],
  ['issueType'],
  ['dose'],
  ['dose', 'doseNumber'],
  ['dose', 'vaccineCode'],
  ['dose', 'vaccinatedOn'],
  ['dose', 'wardCode'],
  ['dose', 'facilityName'],
  ['dose', 'lotNumber'],
  ['description'],
];

/** Values chosen to break parsers, casts and SQL: control characters, lone surrogates, huge numbers, prototypes. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    '\u0000',
    '\ud800',
    "'; DROP TABLE tickets; --",
    '../../etc/passwd',
    '0'.repeat(5000),
    '9'.repeat(12),
    '١٢٣٤٥٦٧٨٩٠١٢',
    '2021-02-29',
    '+84',
    '__proto__',
    '00001\u0000',
    -0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.1,
    true,
    null,
    [],
    {},
    { __proto__: { polluted: true } },
  ),
);

type Mutation = { path: string[]; value?: unknown; drop?: boolean; extraKey?: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ path: fc.constantFrom(...PATHS), value: nasty }),
  fc.record({ path: fc.constantFrom(...PATHS.filter((p) => p.length)), drop: fc.constant(true) }),
  fc.record({
    path: fc.constantFrom<string[]>([], ['citizen'], ['dose']),
    extraKey: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'prototype', '')),
    value: nasty,
  }),
);

function apply(body: Record<string, unknown>, m: Mutation): unknown {
  if (m.path.length === 0 && !m.extraKey) return m.value;
  let target = body as Record<string, unknown>;
  for (const key of m.path.slice(0, m.extraKey ? undefined : -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  if (m.extraKey !== undefined)
    Object.defineProperty(target, m.extraKey, { value: m.value, enumerable: true, configurable: true, writable: true });
  else if (m.drop) delete target[m.path[m.path.length - 1]];
  else target[m.path[m.path.length - 1]] = m.value;
  return body;
}

/** Deeply nested JSON text, written out directly (JSON.stringify itself overflows the stack on it). */
function deep(depth: number, array: boolean): string {
  return array ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

describe('random and hostile bodies never produce a 500', () => {
  let t: TestApp;
  const expectHandled = (res: { status: number; headers: Record<string, string> }) => {
    expect(ALLOWED).toContain(res.status);
    if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  };

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: { RATE_LIMIT_FILINGS_PER_MINUTE: '100000', RATE_LIMIT_LOOKUPS_PER_MINUTE: '100000' },
    });
  });
  afterAll(async () => {
    expect(t.logs.text()).not.toMatch(/unhandled error/);
    await t.close();
  });

  it('filing: a valid report with random mutations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (mutations, multipart) => {
          let body: unknown = reportBody(newCitizen());
          for (const m of mutations)
            body = typeof body === 'object' && body !== null ? apply(body as Record<string, unknown>, m) : body;
          const text = JSON.stringify(body) ?? 'null';
          const res = multipart
            ? await t.http.post('/api/v1/reports').field('report', text)
            : await t.http.post('/api/v1/reports').set('Content-Type', 'application/json').send(text);
          expectHandled(res);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('filing: arbitrary JSON values and arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string({ unit: 'binary', maxLength: 200 }),
        ),
        fc.constantFrom(
          'application/json',
          'application/merge-patch+json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
        async (text, type) => {
          expectHandled(await t.http.post('/api/v1/reports').set('Content-Type', type).send(text));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('filing: deep nesting, wide objects and odd headers', async () => {
    const valid = JSON.stringify(reportBody());
    const bodies = [
      deep(20_000, true),
      deep(10_000, false),
      valid.replace(/}$/, `,"x":${deep(5_000, false)}}`),
      valid.replace(/"description":"[^"]*"/, `"description":${deep(5_000, true)}`),
      valid.replace(/}$/, `,"citizen2":${deep(50, false)}}`),
      JSON.stringify(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]))),
      JSON.stringify({ ...reportBody(), dose: Array.from({ length: 1000 }, () => reportBody().dose) }),
    ];
    for (const body of bodies) {
      expectHandled(await t.http.post('/api/v1/reports').set('Content-Type', 'application/json').send(body));
      expectHandled(await t.http.post('/api/v1/reports').field('report', body));
    }
    for (const body of [
      deep(20_000, true),
      deep(10_000, false),
      `{"trackingCode":${deep(5_000, false)},"citizenId":"1"}`,
    ]) {
      expectHandled(await t.http.post('/api/v1/reports/lookup').set('Content-Type', 'application/json').send(body));
    }
    for (const key of ['', ' ', 'a'.repeat(300), 'clé', 'x\ty']) {
      expectHandled(await t.http.post('/api/v1/reports').set('Idempotency-Key', key).send(reportBody()));
    }
  });

  it('filing: multipart with random parts and bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            name: fc.constantFrom('attachments', 'report', 'x', ''),
            bytes: fc.uint8Array({ maxLength: 300 }),
          }),
          {
            maxLength: 5,
          },
        ),
        fc.option(fc.string({ unit: 'binary', maxLength: 100 })),
        async (files, reportText) => {
          let req = t.http.post('/api/v1/reports');
          if (reportText !== null) req = req.field('report', reportText);
          for (const [i, f] of files.entries()) {
            if (f.name)
              req = req.attach(f.name, Buffer.from(f.bytes), { filename: `f${i}.png`, contentType: 'image/png' });
          }
          expectHandled(await req);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('lookup: random codes, identity numbers and shapes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            trackingCode: fc.string({ unit: 'binary', maxLength: 40 }),
            citizenId: fc.string({ maxLength: 40 }),
          }),
          fc.record({ trackingCode: nasty, citizenId: nasty }, { requiredKeys: [] }),
          fc.jsonValue(),
        ),
        async (body) => {
          const res = await t.http
            .post('/api/v1/reports/lookup')
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body) ?? 'null');
          expectHandled(res);
        },
      ),
      { numRuns: 200 },
    );
  });
});

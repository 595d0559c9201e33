import fc from 'fast-check';
import { TestApp, createTestApp } from '@test/support';
import { ENDPOINT_MATRIX } from './endpoint-matrix';
import { matrixContext } from './matrix-context';
import type { MatrixContext, MatrixRequest } from './endpoint-matrix.types';

/** Injection-shaped and oversized strings: SQL, markup, template and path tricks, encodings, lengths. */
const NASTY_STRINGS = [
  "' OR '1'='1' --",
  "'; DROP TABLE tickets; --",
  '1; SELECT pg_sleep(5)',
  '"><script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '\ud800',
  '%',
  '_',
  '*',
  '\\',
  ' ',
  '',
  'a'.repeat(20_000),
  '9'.repeat(400),
  '-1',
  '1e309',
  'NaN',
  'null',
  '[]',
  '__proto__',
  'constructor',
  '١٢٣٤',
  '2021-02-30T25:61:00+07:00',
  'eyJhbGciOiJub25lIn0.e30.',
  'WyIyMDIxLTExLTAzVDA4OjAwOjAwLjAwMFoiLCIxJzsgRFJPUCBUQUJMRSB0aWNrZXRzOyAtLSJd', // a "cursor" carrying SQL
];
/** What a JSON body can carry besides strings. */
const NASTY_VALUES: unknown[] = [
  ...NASTY_STRINGS,
  null,
  true,
  -1,
  0,
  1e308,
  -1e308,
  2 ** 63,
  0.1,
  [],
  ['a'],
  {},
  { $gt: '' },
  JSON.parse('{"__proto__":{"polluted":true}}'),
  'x'.repeat(90_000),
];
/** Sent to every field, every time: one of each kind (SQL, markup, NUL, size, sign, prototype). */
const ALWAYS_STRINGS = [
  "' OR '1'='1' --",
  '"><script>alert(1)</script>',
  '\u0000',
  'a'.repeat(20_000),
  '-1',
  '__proto__',
];
const ALWAYS_VALUES: unknown[] = [...ALWAYS_STRINGS, null, 1e308, ['a'], { $gt: '' }];
/** The rest, and random text and JSON, sampled by fast-check over the fields of each operation. */
const randomString = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ unit: 'binary', maxLength: 200 }));
const randomValue = fc.oneof(
  fc.constantFrom(...NASTY_VALUES),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer(),
  fc.double(),
);
/** Citizens' intake and lookup get their own, longer barrage in test/e2e/public/hostile-bodies.e2e-spec.ts. */
const COVERED_ELSEWHERE = new Set(['POST /api/v1/reports', 'POST /api/v1/reports/lookup']);

/** URLs cannot carry lone surrogates at all (bodies can, as JSON escapes): replace them, as a browser would. */
const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

interface Field {
  in: 'path' | 'query' | 'header' | 'body';
  name: string;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
}

/** Dotted paths of every field of a valid body, nested objects included. */
function fieldsOf(value: unknown, prefix = ''): string[] {
  const own = prefix ? [prefix] : [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return own;
  return [...own, ...Object.entries(value).flatMap(([k, v]) => fieldsOf(v, prefix ? `${prefix}.${k}` : k))];
}

function withValue(body: object | undefined, path: string, value: unknown): object {
  const copy = structuredClone(body ?? {}) as Record<string, unknown>;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1]] = value;
  return copy;
}

/**
 * Every parameter of every operation in the OpenAPI document — path, query, header and each
 * body field of a valid request (built by the endpoint matrix) — gets injection-shaped,
 * malformed and oversized values, fixed ones and fast-check's random ones, as an admin (who
 * reaches everything, so the values get past authorisation) and as an officer on the reads.
 * No answer may be a 5xx, every error is problem+json, and nothing is logged as unhandled.
 */
describe('hostile values in every parameter and body field never cause a 5xx', () => {
  let t: TestApp;
  let ctx: MatrixContext;
  let doc: {
    paths: Record<string, Record<string, OpenApiOperation>>;
    components: { schemas: Record<string, { properties?: object }> };
  };
  const failures: string[] = [];
  let requests = 0;

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        RATE_LIMIT_FILINGS_PER_MINUTE: '1000000',
        RATE_LIMIT_LOOKUPS_PER_MINUTE: '1000000',
        RATE_LIMIT_LOGINS_PER_MINUTE: '1000000',
      },
    });
    ctx = await matrixContext(t);
    doc = (await t.http.get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, method, path, op })),
    );

  async function send(
    method: string,
    template: string,
    spec: MatrixRequest & { headers?: Record<string, string> },
    bearer: string,
  ): Promise<{ status: number; type: string } | null> {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(wellFormed(spec.params?.[name] ?? 'x')),
    );
    let req = t.http[method.toLowerCase() as 'get' | 'post'](path).set('Authorization', bearer);
    try {
      for (const [k, v] of Object.entries(spec.headers ?? {})) req = req.set(k, v);
      if (spec.query)
        req = req.query(Object.fromEntries(Object.entries(spec.query).map(([k, v]) => [k, wellFormed(v)])));
      const res = await (spec.body !== undefined
        ? req.set('Content-Type', 'application/json').send(JSON.stringify(spec.body))
        : req);
      requests++;
      return { status: res.status, type: String(res.headers['content-type'] ?? '') };
    } catch (err) {
      // The HTTP client itself refuses some header values (control characters): nothing was sent.
      if (/Invalid character|invalid header/i.test((err as Error).message)) return null;
      throw err;
    }
  }

  async function attack(route: string, field: Field, value: unknown, base: MatrixRequest, bearer: string) {
    const [method, template] = route.split(' ');
    const asText = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
    const spec: MatrixRequest & { headers?: Record<string, string> } = { ...base };
    if (field.in === 'path') spec.params = { ...base.params, [field.name]: asText };
    if (field.in === 'query') spec.query = { ...base.query, [field.name]: asText };
    if (field.in === 'header') spec.headers = { [field.name]: asText };
    if (field.in === 'body') spec.body = withValue(base.body, field.name, value);
    const res = await send(method, template, spec, bearer);
    if (!res) return;
    // 431: Node's HTTP parser refuses an oversized request line before the app sees it.
    const problem = res.type.startsWith('application/problem+json') || res.status === 431;
    if (res.status >= 500 || (res.status >= 400 && !problem)) {
      failures.push(`${route} ${field.in}:${field.name}=${asText.slice(0, 60)} → ${res.status} ${res.type}`);
    }
  }

  it('covers every operation of the OpenAPI document with a valid request to start from', () => {
    const missing = operations()
      .map((o) => o.route)
      .filter((r) => !ENDPOINT_MATRIX[r]);
    expect(missing).toEqual([]);
  });

  it('answers every fixed hostile value in every field, and random ones, without a 5xx', async () => {
    for (const { route, op } of operations()) {
      if (COVERED_ELSEWHERE.has(route)) continue;
      const entry = ENDPOINT_MATRIX[route];
      const base = entry.request ? await entry.request(ctx, 'inside', 'admin') : {};
      const fields: Field[] = [
        ...(op.parameters ?? []).map((p) => ({ in: p.in as Field['in'], name: p.name })),
        ...fieldsOf(base.body).map((name) => ({ in: 'body' as const, name })),
      ];
      const ref = Object.values(op.requestBody?.content ?? {})[0]?.schema?.$ref;
      const declared = ref ? Object.keys(doc.components.schemas[ref.split('/').pop()!]?.properties ?? {}) : [];
      for (const name of declared)
        if (!fields.some((f) => f.in === 'body' && f.name === name)) fields.push({ in: 'body', name });
      if (op.requestBody) fields.push({ in: 'body', name: 'unknownField' });
      if (op.parameters?.some((p) => p.in === 'query')) fields.push({ in: 'query', name: 'unknownParam' });
      if (fields.length === 0) continue;

      // An officer's reads go through the reach scopes in SQL: attack those too.
      const officerServed = entry.officer !== 401 && entry.officer !== 403;
      const readers =
        officerServed && route.startsWith('GET ')
          ? [ctx.officials.admin.bearer, ctx.officials.officer.bearer]
          : [ctx.officials.admin.bearer];
      for (const bearer of readers) {
        for (const field of fields) {
          const values = field.in === 'body' ? ALWAYS_VALUES : ALWAYS_STRINGS;
          for (const value of values) await attack(route, field, value, base, bearer);
        }
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...fields), randomValue, randomString, async (field, value, text) => {
            await attack(route, field, field.in === 'body' ? value : text, base, bearer);
          }),
          { numRuns: 12 },
        );
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(500);
    expect(t.logs.text()).not.toMatch(/unhandled error/);
  }, 180_000);
});

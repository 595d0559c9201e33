import { TestApp, createTestApp } from '@test/support';
import { ENDPOINT_MATRIX } from './endpoint-matrix';
import { contextFor, matrixContext } from './matrix-context';
import { matrixGaps, servedRoutes } from './served-routes';
import type { Caller, MatrixContext, MatrixEntry, Place } from './endpoint-matrix.types';

const CALLERS: Caller[] = ['anonymous', 'officer', 'supervisor', 'admin', 'provincialAdmin'];
const PLACES: Place[] = ['inside', 'outside'];
/** What `caller` must get (a provincial admin without an entry of its own: what an admin gets). */
const answerOf = (entry: MatrixEntry, caller: Caller) =>
  caller === 'provincialAdmin' ? (entry.provincialAdmin ?? entry.admin) : entry[caller];
function expected(entry: MatrixEntry, caller: Caller, place: Place): number {
  const e = answerOf(entry, caller);
  return typeof e === 'number' ? e : e[place];
}

describe('endpoint × role matrix', () => {
  let t: TestApp;
  let ctx: MatrixContext;
  let routes: string[];

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        METRICS_TOKEN: 'endpoint-matrix-metrics-token-0123456789',
        // Every call comes from one address: the sign-in routes' per-address cap is not what is tested here.
        RATE_LIMIT_LOGINS_PER_MINUTE: '10000',
      },
    });
    ctx = await matrixContext(t);
    routes = servedRoutes(t.app);
  });
  afterAll(() => t.close());

  it('finds the routes of the app (sanity check of the enumeration)', () => {
    expect(routes).toEqual(
      expect.arrayContaining(['GET /api/v1/tickets', 'POST /api/v1/tickets/{trackingCode}/start']),
    );
  });

  it('has an entry for every served route, and no entry for a route that is not served', () => {
    expect(matrixGaps(routes, ENDPOINT_MATRIX)).toEqual({ missing: [], stale: [] });
  });

  // Every route × role × place, one request each: well over a minute on a loaded 2-core machine.
  it('answers every caller, inside and outside the reach, exactly as the matrix says', async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const route of routes) {
      const entry = ENDPOINT_MATRIX[route];
      if (!entry) continue;
      const [method, template] = route.split(' ');
      for (const caller of CALLERS) {
        const places: Place[] =
          caller === 'anonymous' || typeof answerOf(entry, caller) === 'number' ? ['inside'] : PLACES;
        for (const place of places) {
          const spec = entry.request ? await entry.request(contextFor(ctx, caller), place, caller) : {};
          const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
            const value = spec.params?.[name];
            if (value === undefined) throw new Error(`${route}: no value for {${name}}`);
            return encodeURIComponent(value);
          });
          let req = t.http[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path);
          if (caller !== 'anonymous')
            req = req.set('Authorization', spec.authorization ?? ctx.officials[caller].bearer);
          if (spec.query) req = req.query(spec.query);
          const res = await (spec.csv !== undefined
            ? req.set('Content-Type', 'text/csv').send(spec.csv)
            : spec.form
              ? req.type('form').send(spec.form)
              : spec.body
                ? req.send(spec.body)
                : req);
          calls++;
          const want = expected(entry, caller, place);
          if (res.status !== want) {
            const detail = res.headers['content-type']?.includes('json')
              ? ` ${JSON.stringify(res.body).slice(0, 200)}`
              : '';
            mismatches.push(`${route} as ${caller} (${place}): expected ${want}, got ${res.status}${detail}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBeGreaterThan(routes.length * 5);
    // Five callers, two places, ~80 routes: several hundred requests, many creating their own
    // targets; sign-in routes hash passwords (argon2) for fresh officials: minutes on a loaded machine.
  }, 240_000);
});

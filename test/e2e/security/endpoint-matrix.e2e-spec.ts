import { TestApp, createTestApp } from '@test/support';
import { ENDPOINT_MATRIX } from './endpoint-matrix';
import { matrixContext } from './matrix-context';
import { matrixGaps, servedRoutes } from './served-routes';
import type { Caller, MatrixContext, MatrixEntry, Place } from './endpoint-matrix.types';

const CALLERS: Caller[] = ['anonymous', 'officer', 'supervisor', 'admin'];
const PLACES: Place[] = ['inside', 'outside'];
function expected(entry: MatrixEntry, caller: Caller, place: Place): number {
  const e = entry[caller];
  return typeof e === 'number' ? e : e[place];
}

describe('endpoint × role matrix', () => {
  let t: TestApp;
  let ctx: MatrixContext;
  let routes: string[];

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: { WEBHOOK_ALLOW_PRIVATE: 'true', METRICS_TOKEN: 'endpoint-matrix-metrics-token-0123456789' },
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
        const places: Place[] = caller === 'anonymous' || typeof entry[caller] === 'number' ? ['inside'] : PLACES;
        for (const place of places) {
          const spec = entry.request ? await entry.request(ctx, place, caller) : {};
          const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
            const value = spec.params?.[name];
            if (value === undefined) throw new Error(`${route}: no value for {${name}}`);
            return encodeURIComponent(value);
          });
          let req = t.http[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path);
          if (caller !== 'anonymous') req = req.set('Authorization', ctx.officials[caller].bearer);
          if (spec.query) req = req.query(spec.query);
          const res = await (spec.body ? req.send(spec.body) : req);
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
    expect(calls).toBeGreaterThan(routes.length * 4);
  }, 240_000);
});

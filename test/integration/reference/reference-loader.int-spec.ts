import { DataSource } from 'typeorm';
import { dataSourceOptions, prepareDatabase } from '@phananh/database';
import { IsolatedEnv, isolatedEnv } from '@test/support';
import { EXPECTED_UNIT_COUNT, loadReferenceData } from '@phananh/reference';

describe('reference data load', () => {
  let env: IsolatedEnv;
  let db: DataSource;

  beforeAll(async () => {
    env = await isolatedEnv();
    db = new DataSource(dataSourceOptions(env.databaseUrl, 2));
    await db.initialize();
    // Start from migrated but empty reference tables, as a fresh install does.
    await db.query('TRUNCATE units, vaccines, identity_province_codes CASCADE');
  });
  afterAll(async () => {
    await db.destroy();
    await env.drop();
  });

  // Its speed (well under 3 s) is measured by `npm run bench`, not asserted in a test.
  it('loads the 2021 units, identity codes and vaccines, and again changes nothing', async () => {
    await loadReferenceData(db.manager);

    const counts = await db.query(`SELECT level, count(*)::int AS n FROM units GROUP BY level ORDER BY level`);
    expect(counts).toEqual([
      { level: 'district', n: 705 },
      { level: 'province', n: 63 },
      { level: 'ward', n: 10_599 },
    ]);
    const [{ n: codes }] = await db.query(`SELECT count(*)::int AS n FROM identity_province_codes`);
    const [{ n: vaccines }] = await db.query(`SELECT count(*)::int AS n FROM vaccines`);
    expect([codes, vaccines]).toEqual([63, 8]);

    await loadReferenceData(db.manager);
    const [{ n: units }] = await db.query(`SELECT count(*)::int AS n FROM units`);
    expect(units).toBe(EXPECTED_UNIT_COUNT);
  });

  it('stores the tree as a materialised path: "all units under Y" is one indexed prefix query', async () => {
    const [phucXa] = await db.query(`SELECT path, province_code, district_code FROM units WHERE code = '00001'`);
    expect(phucXa).toEqual({ path: '01/001/00001/', province_code: '01', district_code: '001' });
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM units WHERE path LIKE (SELECT path FROM units WHERE code = '01') || '%'`,
    );
    expect(n).toBe(1 + 30 + 579); // Hà Nội, its districts and wards
    await db.query('SET enable_seqscan = off');
    const plan = JSON.stringify(await db.query(`EXPLAIN (FORMAT JSON) SELECT code FROM units WHERE path LIKE '01/%'`));
    await db.query('RESET enable_seqscan');
    expect(plan).toContain('ux_units_path');
  });

  it('is serialised across processes: concurrent prepares leave one copy of everything', async () => {
    await db.query('TRUNCATE units, vaccines, identity_province_codes CASCADE');
    await Promise.all([1, 2, 3].map(() => prepareDatabase(env.databaseUrl, [loadReferenceData])));
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM units`);
    expect(n).toBe(EXPECTED_UNIT_COUNT);
  });
});

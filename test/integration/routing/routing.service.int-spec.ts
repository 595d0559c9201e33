import { DataSource } from 'typeorm';
import { TestModule, createTestModule } from '@test/support';
import { IssueType } from '@phananh/ticket-store';
import { RoutingModule, RoutingService } from '@phananh/routing';

describe('RoutingService on the real reference data and users table', () => {
  let m: TestModule;
  let routing: RoutingService;
  let db: DataSource;

  const addOfficial = (username: string, role: string, unitCode: string, disabled = false) =>
    db.query(
      `INSERT INTO users (username, password_hash, full_name, role, unit_code, created_at, disabled_at)
       VALUES ($1, 'x', $1, $2, $3, now(), CASE WHEN $4 THEN now() END)`,
      [username, role, unitCode, disabled],
    );
  const route = async (doseWardCode: string) =>
    (await routing.route({ doseWardCode, issueType: IssueType.MissingDose })).code;

  beforeAll(async () => {
    m = await createTestModule([RoutingModule]);
    routing = m.app.get(RoutingService);
    db = m.db;
  });
  afterAll(() => m?.close());

  it('climbs from an unstaffed ward to the district, then the province', async () => {
    expect(await route('00004')).toBe('01');
    await addOfficial('sup.badinh', 'SUPERVISOR', '001');
    routing.invalidate();
    expect(await route('00004')).toBe('001');
    await addOfficial('off.trucbach', 'OFFICER', '00004');
    routing.invalidate();
    expect(await route('00004')).toBe('00004');
  });

  it('ignores disabled officials and admins', async () => {
    await addOfficial('off.disabled', 'OFFICER', '00037', true);
    await db.query(
      `INSERT INTO users (username, password_hash, full_name, role, unit_code, created_at)
       VALUES ('adm', 'x', 'adm', 'ADMIN', '00037', now())`,
    );
    routing.invalidate();
    expect(await route('00037')).toBe('01');
  });

  it('keeps the staffed set for a few seconds, until invalidate()', async () => {
    expect(await route('00040')).toBe('01');
    await addOfficial('off.00040', 'OFFICER', '00040');
    expect(await route('00040')).toBe('01');
    routing.invalidate();
    expect(await route('00040')).toBe('00040');
  });

  it('routes an island district without wards to itself, or to its province', async () => {
    expect(await route('755')).toBe('77');
    await addOfficial('off.condao', 'OFFICER', '755');
    routing.invalidate();
    expect(await route('755')).toBe('755');
  });
});

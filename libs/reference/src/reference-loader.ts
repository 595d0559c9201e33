import { EntityManager } from 'typeorm';
import { readReferenceCsv } from './csv';

export const EXPECTED_UNIT_COUNT = 11_367;

/**
 * Loads the bundled reference data if it is absent; idempotent. Units go in with one
 * statement per level (unnest of arrays), so the 11,367 rows take well under a second.
 */
export async function loadReferenceData(manager: EntityManager): Promise<void> {
  const [{ count }] = await manager.query(`SELECT count(*)::int AS count FROM units`);
  if (count < EXPECTED_UNIT_COUNT) await loadUnits(manager);

  const vaccines = readReferenceCsv('vaccines.csv');
  await manager.query(
    `INSERT INTO vaccines (code, name, manufacturer, doses_in_primary_series)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[])
     ON CONFLICT (code) DO NOTHING`,
    [
      vaccines.map((v) => v.code),
      vaccines.map((v) => v.name),
      vaccines.map((v) => v.manufacturer),
      vaccines.map((v) => Number(v.doses_in_primary_series)),
    ],
  );

  const codes = readReferenceCsv('cccd-province-codes.csv');
  await manager.query(
    `INSERT INTO identity_province_codes (cccd_code, province_name, province_code)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (cccd_code) DO NOTHING`,
    [codes.map((c) => c.cccd_code), codes.map((c) => c.province_name), codes.map((c) => c.gso_province_code)],
  );
}

async function loadUnits(manager: EntityManager): Promise<void> {
  const rows = readReferenceCsv('vn-admin-units-2021.csv');
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const pathOf = (code: string): string => {
    const row = byCode.get(code)!;
    return (row.parent_code ? pathOf(row.parent_code) : '') + `${code}/`;
  };
  const provinceOf = (code: string): string => {
    const row = byCode.get(code)!;
    return row.parent_code ? provinceOf(row.parent_code) : code;
  };
  for (const level of ['province', 'district', 'ward']) {
    const batch = rows.filter((r) => r.level === level);
    await manager.query(
      `INSERT INTO units (code, name, type, level, parent_code, province_code, district_code, path)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       ON CONFLICT (code) DO NOTHING`,
      [
        batch.map((r) => r.code),
        batch.map((r) => r.name),
        batch.map((r) => r.type),
        batch.map((r) => r.level),
        batch.map((r) => r.parent_code || null),
        batch.map((r) => provinceOf(r.code)),
        batch.map((r) => (level === 'district' ? r.code : level === 'ward' ? r.parent_code : null)),
        batch.map((r) => pathOf(r.code)),
      ],
    );
  }
}

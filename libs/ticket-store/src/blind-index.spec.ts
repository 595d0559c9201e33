import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PiiCrypto } from '@phananh/core';
import { BLIND_INDEXED_COLUMNS, NOT_REBUILT, blindIndexSql } from './blind-index';

/** `table.column` of every bytea column named `*_hash` in the migrated schema (migrations/schema.snapshot.sql). */
function keyedHashColumns(): string[] {
  const schema = readFileSync(join(__dirname, '../../../migrations/schema.snapshot.sql'), 'utf8');
  const found: string[] = [];
  for (const [, table, body] of schema.matchAll(/CREATE TABLE (\w+) \(\n([\s\S]*?)\n\);/g)) {
    for (const [, column] of body.matchAll(/^\s+(\w+_hash) bytea\b/gm)) found.push(`${table}.${column}`);
  }
  return found.sort();
}

describe('the blind-index columns', () => {
  it('lists every keyed hash of the schema, as rebuilt or as not rebuilt with a reason', () => {
    const listed = [
      ...BLIND_INDEXED_COLUMNS.map((c) => `tickets.${blindIndexSql(c).hash}`),
      ...Object.keys(NOT_REBUILT),
    ].sort();
    expect(keyedHashColumns()).toEqual(listed);
    expect(listed).toContain('tickets.citizen_id_hash');
  });

  it('computes each index as intake does: the identity number under the blind-index key', () => {
    const pii = new PiiCrypto('11'.repeat(32), 1, '', '22'.repeat(32));
    const [citizenId] = BLIND_INDEXED_COLUMNS;
    expect(blindIndexSql(citizenId)).toEqual({ hash: 'citizen_id_hash', source: 'citizen_id_enc' });
    expect(citizenId.index(pii, '001090012345').equals(pii.blindIndex('001090012345'))).toBe(true);
  });
});

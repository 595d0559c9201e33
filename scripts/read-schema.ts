import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The schema as the migrations leave it, read from pg_catalog into deterministic text: one
 * definition, used by `npm run schema:snapshot`, by the snapshot test and by the migrations'
 * up/down test, so that what is compared is the same everywhere.
 *
 * Covered: extensions (without their version, which follows the server's packages), schemas,
 * collations, types, sequences (identity ones too), functions, tables with their columns in
 * ordinal order, constraints, indexes, triggers and comments, views. Not covered: grants,
 * row-level security policies, and rows (the campaign the first migration inserts is data).
 * TypeORM's `migrations` table is left out: its shape is TypeORM's, not ours.
 */

/** A pg client (`{ rows }`) or a TypeORM data source (the rows themselves). */
export interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** Where the committed snapshot lives: migrations/ of the package, from the sources or from dist/. */
export function snapshotPath(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return join(dir, 'migrations', 'schema.snapshot.sql');
}

/** TypeORM's bookkeeping table (migrationsTableName in libs/database/src/data-source-options.ts). */
const BOOKKEEPING = 'migrations';

/** Objects an extension owns come and go with the extension: only the extension itself is listed. */
const notInExtension = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

// Names sort in the C collation, so the text does not depend on the server's locale.
const EXTENSIONS = `
  SELECT x.extname AS name, n.nspname AS schema
  FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
  WHERE x.extname <> 'plpgsql'
  ORDER BY x.extname COLLATE "C"`;

const SCHEMAS = `
  SELECT n.nspname AS name FROM pg_namespace n
  WHERE n.nspname NOT IN ('public', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    AND ${notInExtension('pg_namespace', 'n.oid')}
  ORDER BY n.nspname COLLATE "C"`;

// The catalog's columns differ between PostgreSQL versions: all of them, as JSON, minus the identifiers.
const COLLATIONS = `
  SELECT c.collname AS name, (to_jsonb(c) - 'oid' - 'collname' - 'collnamespace' - 'collowner' - 'collversion')::text AS def
  FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
  WHERE n.nspname = 'public' AND ${notInExtension('pg_collation', 'c.oid')}
  ORDER BY c.collname COLLATE "C"`;

const TYPES = `
  SELECT t.typname AS name, t.typtype AS kind,
         (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
          FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels,
         format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull AS not_null, t.typdefault AS default,
         (SELECT string_agg('CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), ' '
                            ORDER BY k.conname COLLATE "C")
          FROM pg_constraint k WHERE k.contypid = t.oid) AS checks,
         (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attributes,
         (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid) AS subtype
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c', 'r')
    AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
    AND ${notInExtension('pg_type', 't.oid')}
  ORDER BY t.typname COLLATE "C"`;

const SEQUENCES = `
  SELECT s.relname AS name, format_type(q.seqtypid, NULL) AS type, q.seqstart AS start, q.seqincrement AS increment,
         q.seqmin AS min, q.seqmax AS max, q.seqcache AS cache, q.seqcycle AS cycle,
         (SELECT quote_ident(t.relname) || '.' || quote_ident(a.attname)
          FROM pg_depend d
          JOIN pg_class t ON t.oid = d.refobjid
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
          WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass
            AND d.deptype IN ('a', 'i')) AS owned_by,
         (SELECT t.relname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
          WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass
            AND d.deptype IN ('a', 'i')) AS owner_table
  FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace JOIN pg_sequence q ON q.seqrelid = s.oid
  WHERE n.nspname = 'public' AND s.relkind = 'S' AND ${notInExtension('pg_class', 's.oid')}
  ORDER BY s.relname COLLATE "C"`;

const FUNCTIONS = `
  SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args, p.prokind AS kind,
         CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS def
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'public' AND ${notInExtension('pg_proc', 'p.oid')}
    -- A range type's constructors are made with it (an internal dependency), not by a migration.
    AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_proc'::regclass AND i.objid = p.oid AND i.deptype = 'i')
  ORDER BY p.proname COLLATE "C", pg_get_function_identity_arguments(p.oid) COLLATE "C"`;

const RELATIONS = `
  SELECT c.relname AS name, c.relkind AS kind, c.relpersistence AS persistence, array_to_string(c.reloptions, ', ') AS options,
         CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS view,
         CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
         obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname <> '${BOOKKEEPING}'
    AND ${notInExtension('pg_class', 'c.oid')}
  ORDER BY c.relname COLLATE "C"`;

const COLUMNS = `
  SELECT c.relname AS relation, quote_ident(a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type,
         CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(co.collname) END AS collation,
         a.attnotnull AS not_null, pg_get_expr(ad.adbin, ad.adrelid) AS default,
         a.attidentity AS identity, a.attgenerated AS generated, col_description(c.oid, a.attnum) AS comment
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY c.relname COLLATE "C", a.attnum`;

// NOT NULL is a column's property here; PostgreSQL 18 also lists it as a constraint ('n').
const CONSTRAINTS = `
  SELECT c.relname AS relation, quote_ident(k.conname) AS name, pg_get_constraintdef(k.oid) AS def
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND k.contype <> 'n'
  ORDER BY c.relname COLLATE "C", k.conname COLLATE "C"`;

// An index behind a primary key, unique or exclusion constraint is that constraint, listed once.
const INDEXES = `
  SELECT c.relname AS relation, pg_get_indexdef(i.oid) AS def
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class c ON c.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND NOT EXISTS (
    SELECT 1 FROM pg_constraint k
    WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
  ORDER BY c.relname COLLATE "C", i.relname COLLATE "C"`;

// pg_get_triggerdef leaves out whether a trigger fires always, only on replicas, or never: said after it.
const TRIGGERS = `
  SELECT c.relname AS relation,
         pg_get_triggerdef(g.oid) || CASE g.tgenabled
           WHEN 'O' THEN ''
           ELSE ';' || chr(10) || 'ALTER TABLE ' || quote_ident(c.relname) || CASE g.tgenabled
             WHEN 'A' THEN ' ENABLE ALWAYS' WHEN 'R' THEN ' ENABLE REPLICA' ELSE ' DISABLE' END
             || ' TRIGGER ' || quote_ident(g.tgname)
         END AS def
  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND NOT g.tgisinternal
  ORDER BY c.relname COLLATE "C", g.tgname COLLATE "C"`;

type Row = Record<string, string | boolean | null>;

async function rows(db: Queryable, sql: string): Promise<Row[]> {
  const result = await db.query(sql);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

function byRelation(list: Row[]): Map<string, Row[]> {
  const map = new Map<string, Row[]>();
  for (const row of list) {
    const key = row.relation as string;
    map.set(key, [...(map.get(key) ?? []), row]);
  }
  return map;
}

function column(c: Row): string {
  let text = `${c.name} ${c.type}`;
  if (c.collation) text += ` COLLATE ${c.collation}`;
  if (c.not_null) text += ' NOT NULL';
  if (c.generated === 's') text += ` GENERATED ALWAYS AS (${c.default}) STORED`;
  else if (c.default !== null) text += ` DEFAULT ${c.default}`;
  if (c.identity === 'a') text += ' GENERATED ALWAYS AS IDENTITY';
  if (c.identity === 'd') text += ' GENERATED BY DEFAULT AS IDENTITY';
  return text;
}

function type(t: Row): string {
  switch (t.kind) {
    case 'e':
      return `CREATE TYPE ${t.name} AS ENUM (${t.labels ?? ''});`;
    case 'd': {
      let text = `CREATE DOMAIN ${t.name} AS ${t.base}`;
      if (t.not_null) text += ' NOT NULL';
      if (t.default !== null) text += ` DEFAULT ${t.default}`;
      if (t.checks) text += ` ${t.checks}`;
      return `${text};`;
    }
    case 'r':
      return `CREATE TYPE ${t.name} AS RANGE (SUBTYPE = ${t.subtype});`;
    default:
      return `CREATE TYPE ${t.name} AS (${t.attributes ?? ''});`;
  }
}

/**
 * The schema of `public`, one block of text per object in a fixed order (extensions, schemas,
 * collations, types, functions, sequences of no table, then each table or view with its own
 * sequences, indexes, triggers and comments). Blocks, not one string, so that a test can
 * leave some out.
 */
export async function readSchema(db: Queryable): Promise<string[]> {
  const blocks: string[] = [];
  for (const x of await rows(db, EXTENSIONS)) blocks.push(`CREATE EXTENSION ${x.name} WITH SCHEMA ${x.schema};`);
  for (const s of await rows(db, SCHEMAS)) blocks.push(`CREATE SCHEMA ${s.name};`);
  for (const c of await rows(db, COLLATIONS)) blocks.push(`CREATE COLLATION ${c.name} -- ${c.def}`);
  for (const t of await rows(db, TYPES)) blocks.push(type(t));
  for (const f of await rows(db, FUNCTIONS)) {
    blocks.push(f.kind === 'a' ? `-- aggregate ${f.name}(${f.args})` : `${(f.def as string).trim()};`);
  }

  const columns = byRelation(await rows(db, COLUMNS));
  const constraints = byRelation(await rows(db, CONSTRAINTS));
  const indexes = byRelation(await rows(db, INDEXES));
  const triggers = byRelation(await rows(db, TRIGGERS));
  const sequences = await rows(db, SEQUENCES);
  const sequence = (s: Row) =>
    `CREATE SEQUENCE ${s.name} AS ${s.type} START ${s.start} INCREMENT ${s.increment} MINVALUE ${s.min}` +
    ` MAXVALUE ${s.max} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ''}${s.owned_by ? ` OWNED BY ${s.owned_by}` : ''};`;
  // A serial or identity column's sequence goes with its table; TypeORM's goes with TypeORM's table.
  for (const s of sequences.filter((s) => !s.owner_table)) blocks.push(sequence(s));

  for (const r of await rows(db, RELATIONS)) {
    const name = r.name as string;
    const lines: string[] = [];
    if (r.kind === 'v' || r.kind === 'm') {
      lines.push(
        `CREATE ${r.kind === 'm' ? 'MATERIALIZED VIEW' : 'VIEW'} ${name} AS`,
        `${(r.view as string).trim().replace(/;$/, '')};`,
      );
    } else {
      const kind = r.kind === 'f' ? 'FOREIGN TABLE' : r.persistence === 'u' ? 'UNLOGGED TABLE' : 'TABLE';
      const body = [
        ...(columns.get(name) ?? []).map(column),
        ...(constraints.get(name) ?? []).map((k) => `CONSTRAINT ${k.name} ${k.def}`),
      ];
      lines.push(`CREATE ${kind} ${name} (`, ...body.map((b, i) => `  ${b}${i < body.length - 1 ? ',' : ''}`));
      lines.push(
        `)${r.partition_key ? ` PARTITION BY ${r.partition_key}` : ''}${r.options ? ` WITH (${r.options})` : ''};`,
      );
    }
    for (const s of sequences.filter((s) => s.owner_table === name)) lines.push(sequence(s));
    for (const i of indexes.get(name) ?? []) lines.push(`${i.def};`);
    for (const t of triggers.get(name) ?? []) lines.push(`${t.def};`);
    if (r.comment !== null) lines.push(`COMMENT ON TABLE ${name} IS ${literal(r.comment as string)};`);
    for (const c of columns.get(name) ?? []) {
      if (c.comment !== null) lines.push(`COMMENT ON COLUMN ${name}.${c.name} IS ${literal(c.comment as string)};`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks;
}

const HEADER = `-- The schema the migrations make (schema public, without TypeORM's migrations table), read
-- from pg_catalog by scripts/read-schema.ts. Written by \`npm run schema:snapshot\`, compared by
-- test/integration/schema/schema-snapshot.int-spec.ts: do not edit by hand.
`;

/** The snapshot file's text. */
export function formatSchema(blocks: string[]): string {
  return `${HEADER}\n${blocks.join('\n\n')}\n`;
}

const CONTEXT = 3;

/**
 * The difference between two texts in unified-diff form (`-` expected, `+` actual, 3 lines
 * of context around each change), at most `max` lines of hunks; '' when the texts are equal.
 */
export function unifiedDiff(expected: string, actual: string, labels: [string, string], max = 60): string {
  if (expected === actual) return '';
  const a = expected.split('\n');
  const b = actual.split('\n');
  // Longest common subsequence of lines, from the end: a few hundred lines make a small table.
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: { mark: ' ' | '-' | '+'; line: string; i: number; j: number }[] = [];
  for (let i = 0, j = 0; i < a.length || j < b.length;) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ mark: ' ', line: a[i], i: i++, j: j++ });
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ mark: '-', line: a[i], i: i++, j });
    } else ops.push({ mark: '+', line: b[j], i, j: j++ });
  }
  // Changes closer than twice the context share a hunk, as in diff -u.
  const hunks: { first: number; last: number }[] = [];
  ops.forEach((o, k) => {
    if (o.mark === ' ') return;
    const hunk = hunks[hunks.length - 1];
    if (hunk && k - hunk.last <= 2 * CONTEXT + 1) hunk.last = k;
    else hunks.push({ first: k, last: k });
  });
  const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  let shown = 0;
  for (const { first, last } of hunks) {
    const hunk = ops.slice(Math.max(0, first - CONTEXT), last + CONTEXT + 1);
    const oldLength = hunk.filter((o) => o.mark !== '+').length;
    const newLength = hunk.filter((o) => o.mark !== '-').length;
    out.push(`@@ -${hunk[0].i + 1},${oldLength} +${hunk[0].j + 1},${newLength} @@`);
    for (const o of hunk) {
      if (shown++ === max) return [...out, `… (cut at ${max} lines)`].join('\n');
      out.push(`${o.mark}${o.line}`);
    }
  }
  return out.join('\n');
}

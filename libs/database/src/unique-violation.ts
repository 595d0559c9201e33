/** The constraint a PostgreSQL unique violation (23505) hit, from pg's error or TypeORM's wrapper; undefined otherwise. */
export function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const d = e?.driverError ?? e;
  return d?.code === '23505' ? d.constraint : undefined;
}

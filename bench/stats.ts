/** Percentile of an unsorted sample (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round = (x: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export const ratio = (a: number, b: number) => (b ? round(a / b, 2) : NaN);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const fmt = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : String(n));

/**
 * Runs a script's main, then exits: 0 when it resolves, 1 with `label` and the error when it
 * throws (its message alone where `stack` is false: a tool whose errors are the user's input).
 */
export function runMain(main: () => Promise<unknown>, { label = 'failed', stack = true } = {}): void {
  main().then(
    () => process.exit(0),
    (err) => {
      const e = err as Error;
      process.stderr.write(`\n${label}: ${(stack && e.stack) || e.message}\n`);
      process.exit(1);
    },
  );
}

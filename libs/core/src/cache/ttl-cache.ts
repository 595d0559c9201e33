export interface TtlCacheOptions<T> {
  /** How long a loaded value is trusted, in the units of `now`. */
  ttlMs: number;
  load: () => Promise<T>;
  /**
   * Milliseconds from any fixed origin. Real monotonic time by default: a process-local cache
   * trusts its copy for so many real seconds, whatever a simulated Clock shows. Pass
   * `() => clock.now().getTime()` for expiry on the service's Clock.
   */
  now?: () => number;
}

/**
 * One value loaded on demand and kept for `ttlMs`. Concurrent misses share one load; a load
 * that fails is not kept. invalidate() drops the value, and a load already running when it is
 * called still answers its own callers but is not kept (its answer may predate the change).
 */
export class TtlCache<T> {
  private entry: { at: number; value: T } | null = null;
  private loading: Promise<T> | null = null;
  private generation = 0;
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions<T>) {
    this.now = options.now ?? (() => performance.now());
  }

  async get(): Promise<T> {
    if (this.entry && this.now() - this.entry.at < this.options.ttlMs) return this.entry.value;
    this.loading ??= this.load(this.generation);
    return this.loading;
  }

  invalidate(): void {
    this.generation++;
    this.entry = null;
    this.loading = null;
  }

  private async load(generation: number): Promise<T> {
    // The value is as old as the moment its load began.
    const at = this.now();
    try {
      const value = await this.options.load();
      if (generation === this.generation) this.entry = { at, value };
      return value;
    } finally {
      if (generation === this.generation) this.loading = null;
    }
  }
}

// A leaky bucket of failures per key, in process memory (ARCHITECTURE.md allows throttles to
// be per process: with N processes a client gets N× the allowance). A key may have `limit`
// failures at once; the count drains at `limit` per `periodMs`, so after a burst one more
// attempt is allowed every periodMs / limit. Refused attempts are not added: a client that
// keeps hammering stays refused, and one that stops is fully forgiven after `periodMs`.
// The map is bounded: drained entries go first, then the oldest inserted.

interface Entry {
  level: number;
  at: number;
}

export interface FailureLimiterOptions {
  limit: number;
  periodMs: number;
  maxTracked?: number;
}

export type LimitDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class FailureLimiter {
  readonly limit: number;
  readonly periodMs: number;
  private readonly maxTracked: number;
  private readonly entries = new Map<string, Entry>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(opts: FailureLimiterOptions) {
    this.limit = opts.limit;
    this.periodMs = opts.periodMs;
    this.maxTracked = opts.maxTracked ?? 100_000;
  }

  private drained(e: Entry, now: number): number {
    return Math.max(0, e.level - (Math.max(0, now - e.at) * this.limit) / this.periodMs);
  }

  /** The failures a key holds now (fractional while draining). */
  level(key: string, now = Date.now()): number {
    const e = this.entries.get(key);
    return e ? this.drained(e, now) : 0;
  }

  /** Whether one more failure fits, without counting it. */
  check(key: string, now = Date.now()): LimitDecision {
    const level = this.level(key, now);
    if (level + 1 <= this.limit + 1e-9) return { ok: true };
    const waitMs = ((level + 1 - this.limit) * this.periodMs) / this.limit;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Counts one failure; call only after `check` allowed it (or use `hit`). */
  add(key: string, now = Date.now()): void {
    const e = this.entries.get(key);
    if (e) {
      e.level = Math.min(this.limit, this.drained(e, now) + 1);
      e.at = now;
      return;
    }
    if (this.entries.size >= this.maxTracked) this.evict(now);
    this.entries.set(key, { level: 1, at: now });
  }

  /** `check`, then `add` when allowed: one synchronous step. */
  hit(key: string, now = Date.now()): LimitDecision {
    const d = this.check(key, now);
    if (d.ok) this.add(key, now);
    return d;
  }

  /** Takes back one failure (an attempt counted before it turned out to succeed). */
  forgive(key: string, now = Date.now()): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.level = this.drained(e, now) - 1;
    e.at = now;
    if (e.level <= 0) this.entries.delete(key);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  reset(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    if (now - this.lastSweep >= 1_000) {
      this.lastSweep = now;
      for (const [k, e] of this.entries) if (this.drained(e, now) === 0) this.entries.delete(k);
    }
    for (const k of this.entries.keys()) {
      if (this.entries.size < this.maxTracked) break;
      this.entries.delete(k);
    }
  }
}

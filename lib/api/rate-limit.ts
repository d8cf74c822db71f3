// Per-API-key token buckets, in process memory. ARCHITECTURE.md allows rate limits to be
// per process (nothing billing-relevant depends on them); with N web processes a key
// gets up to N× the configured rate. O(1) per request and no I/O: it sits in front of
// the ingest hot path.

export interface RateLimitConfig {
  /** Sustained requests per second per key; 0 disables rate limiting. */
  rps: number;
  /** Bucket size: requests a key may send at once after being idle. */
  burst: number;
}

export type RateLimitDecision = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

const DEFAULT_RPS = 1000;
const DEFAULT_BURST_SECONDS = 2;
// Idle keys' buckets are full again; dropping them is lossless. Bound the map anyway.
const MAX_TRACKED_KEYS = 50_000;

interface Bucket {
  tokens: number;
  at: number;
}

let config: RateLimitConfig | null = null;
const buckets = new Map<string, Bucket>();

function positiveNumber(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** RATE_LIMIT_RPS (default 1000, 0 = off) and RATE_LIMIT_BURST (default 2 s worth). */
export function rateLimitConfig(): RateLimitConfig {
  if (!config) {
    const rps = positiveNumber(process.env.RATE_LIMIT_RPS, DEFAULT_RPS);
    const burst = Math.max(1, positiveNumber(process.env.RATE_LIMIT_BURST, Math.ceil(rps * DEFAULT_BURST_SECONDS)));
    config = { rps, burst };
  }
  return config;
}

/** Forgets every bucket and re-reads the environment (tests, config reloads). */
export function resetRateLimits(): void {
  config = null;
  buckets.clear();
}

/** Takes one token from the key's bucket, refilled continuously at `rps`. */
export function takeToken(keyId: string, now = performance.now()): RateLimitDecision {
  const { rps, burst } = rateLimitConfig();
  if (rps === 0) return { ok: true, remaining: Number.POSITIVE_INFINITY };
  let b = buckets.get(keyId);
  if (!b) {
    if (buckets.size >= MAX_TRACKED_KEYS) evictFullBuckets(now, rps, burst);
    b = { tokens: burst, at: now };
    buckets.set(keyId, b);
  } else {
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rps);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return { ok: true, remaining: Math.floor(b.tokens) };
  }
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / rps)) };
}

function evictFullBuckets(now: number, rps: number, burst: number): void {
  for (const [key, b] of buckets) {
    if (b.tokens + ((now - b.at) / 1000) * rps >= burst) buckets.delete(key);
  }
  // Still full of active keys: drop the oldest entries (insertion order) rather than grow.
  for (const key of buckets.keys()) {
    if (buckets.size < MAX_TRACKED_KEYS) break;
    buckets.delete(key);
  }
}

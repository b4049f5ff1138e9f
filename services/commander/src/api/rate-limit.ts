/**
 * A per-principal token bucket. Hand-written because @fastify/rate-limit is not a
 * dependency of this service; it is per process, which is enough to stop one runaway
 * client from starving the planner (a fleet-wide limit belongs in front of the API).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly capacity: number;
  private readonly perMs: number;

  /**
   * @param perMinute tokens refilled per minute, also the burst size.
   * @param now clock, injectable for tests.
   */
  constructor(
    perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isFinite(perMinute) || perMinute < 1) throw new RangeError(`rateLimitPerMinute must be >= 1, got ${perMinute}`);
    this.capacity = perMinute;
    this.perMs = perMinute / 60_000;
  }

  /** Takes one token; returns 0 when allowed, else the milliseconds until a token is available. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    if (this.buckets.size > 10_000) this.prune(now);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.perMs);
  }

  /** Forgets buckets that are full again: they hold no information. */
  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.capacity) this.buckets.delete(key);
    }
  }
}

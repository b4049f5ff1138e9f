/**
 * Counts wrong API keys per client address in fixed one-minute windows. Per process and
 * deliberately separate from the general request rate limit: it guards key guessing, which
 * must be refused even for clients that are under their request budget.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  /**
   * @param maxPerMinute wrong keys an address may send per minute; the next request gets 429.
   * @param now clock, injectable for tests.
   */
  constructor(
    readonly maxPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxPerMinute) || maxPerMinute < 1) throw new RangeError(`maxFailuresPerMinute must be an integer >= 1, got ${maxPerMinute}`);
  }

  /** Milliseconds the address must wait, or 0 when it may try. */
  blockedFor(address: string): number {
    const w = this.current(address);
    if (!w || w.failures < this.maxPerMinute) return 0;
    return w.start + 60_000 - this.now();
  }

  /** Records one wrong key from the address. */
  record(address: string): void {
    const now = this.now();
    const w = this.current(address) ?? { start: now, failures: 0 };
    w.failures += 1;
    // Bounded memory under a spray from many addresses: expired windows carry no information.
    if (this.windows.size > 10_000) this.prune(now);
    this.windows.set(address, w);
  }

  private current(address: string): { start: number; failures: number } | undefined {
    const w = this.windows.get(address);
    if (w && this.now() - w.start >= 60_000) {
      this.windows.delete(address);
      return undefined;
    }
    return w;
  }

  private prune(now: number): void {
    for (const [address, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(address);
  }
}

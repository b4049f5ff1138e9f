/**
 * The chaos suite's profiles and its seeded PRNG. `CHAOS_PROFILE=long` selects the long run,
 * `CHAOS_SEED` replays a run (the seed is printed at the start of every run).
 */

/** How much chaos one run brings. */
export interface ChaosProfile {
  name: 'short' | 'long';
  /** Reference missions submitted (some of them with the sold-out-train disruption). */
  missions: number;
  /** SIGKILLs of a service process (at least one of the commander mid-step). */
  kills: number;
  /** Restarts of the Redis server (SHUTDOWN, which writes the AOF out, then a start on the same dir). */
  redisRestarts: number;
  /** Share of model requests the sim answers with a fault a real provider has. */
  faultRate: number;
  /** Pause between two chaos actions, drawn uniformly from [min, max] ms. */
  gapMs: [number, number];
  /** The sim's latency per model request: missions last long enough to overlap the chaos. */
  latencyMs: number;
  /** Missions kept in flight before each chaos action while some are left to submit. */
  minInFlight: number;
  /** How long every mission has to finish once the chaos is over. */
  settleMs: number;
}

export const PROFILES: Record<ChaosProfile['name'], ChaosProfile> = {
  short: { name: 'short', missions: 8, kills: 4, redisRestarts: 1, faultRate: 0.1, gapMs: [2_500, 5_000], latencyMs: 100, minInFlight: 3, settleMs: 90_000 },
  long: { name: 'long', missions: 30, kills: 10, redisRestarts: 2, faultRate: 0.1, gapMs: [3_000, 7_000], latencyMs: 100, minInFlight: 4, settleMs: 240_000 },
};

/** The profile the environment asks for (`CHAOS_PROFILE`), short by default. */
export function profileFromEnv(env: Record<string, string | undefined> = process.env): ChaosProfile {
  const name = env.CHAOS_PROFILE?.trim() || 'short';
  if (name !== 'short' && name !== 'long') throw new Error(`CHAOS_PROFILE must be short or long, got '${name}'`);
  return PROFILES[name];
}

/** The run's seed: `CHAOS_SEED`, else a fresh one (printed, so a failing run can be replayed). */
export function seedFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.CHAOS_SEED?.trim();
  if (raw) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`CHAOS_SEED must be a non-negative integer, got '${raw}'`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** A small seeded PRNG (mulberry32): the same seed draws the same chaos. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** A shuffled copy of a list (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

import { describe, expect, it } from 'vitest';
import { DEFAULT_RECOVERY, RecoveryOptionError, recoveringSince, resolveRecovery, workerRecoveryOptions, type ActorLease } from '../src/index.ts';

describe('recovery settings', () => {
  it('defaults to a pick-up within 15 s of a killed worker', () => {
    const s = resolveRecovery('actor', {}, {});
    expect(s).toEqual(DEFAULT_RECOVERY);
    expect(s.lockMs + s.stalledIntervalMs).toBeLessThanOrEqual(15_000);
    expect(workerRecoveryOptions(s)).toEqual({ lockDuration: 10_000, stalledInterval: 4_000, maxStalledCount: 3 });
  });

  it('reads the role\'s environment variables, and options win over them', () => {
    const env = { AIME_ACTOR_LOCK_MS: '3000', AIME_ACTOR_STALLED_INTERVAL_MS: '500', AIME_ACTOR_MAX_STALLED: '5', AIME_PLANNER_LOCK_MS: '9000' };
    expect(resolveRecovery('actor', {}, env)).toEqual({ lockMs: 3000, stalledIntervalMs: 500, maxStalled: 5 });
    expect(resolveRecovery('actor', { lockMs: 2000 }, env).lockMs).toBe(2000);
    expect(resolveRecovery('planner', {}, env)).toEqual({ ...DEFAULT_RECOVERY, lockMs: 9000 });
  });

  it('rejects an out-of-range or malformed value by the variable\'s name', () => {
    expect(() => resolveRecovery('factory', {}, { AIME_FACTORY_LOCK_MS: 'soon' })).toThrow(/AIME_FACTORY_LOCK_MS must be an integer 1000\.\.600000, got NaN/);
    expect(() => resolveRecovery('actor', { maxStalled: -1 })).toThrow(RecoveryOptionError);
  });
});

describe('recovering tasks', () => {
  const lease = (beatAt: number, over: Partial<ActorLease> = {}): ActorLease => ({ workerId: 'w1', beatAt: new Date(beatAt).toISOString(), ttlMs: 6_000, ...over });
  const running = { status: 'running' as const, actorId: 'a.1' };

  it('is recovering since the last beat once the lease expired', () => {
    expect(recoveringSince(running, lease(1_000_000), 1_007_000)).toBe(new Date(1_000_000).toISOString());
  });

  it('is not recovering while the lease is alive, after the job ended, without a lease, or when not running', () => {
    expect(recoveringSince(running, lease(1_000_000), 1_005_000)).toBeUndefined();
    expect(recoveringSince(running, lease(1_000_000, { ended: true }), 1_100_000)).toBeUndefined();
    expect(recoveringSince(running, null, 1_100_000)).toBeUndefined();
    expect(recoveringSince({ status: 'succeeded', actorId: 'a.1' }, lease(1_000_000), 1_100_000)).toBeUndefined();
  });
});

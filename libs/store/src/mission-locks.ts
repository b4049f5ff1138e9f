import type { RedisClient } from './redis-connection.ts';
import { StoreError } from './errors.ts';
import type { StoreKeys } from './keys.ts';
import * as lua from './scripts.ts';
import type { LockLease } from './types.ts';

function assertTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new StoreError('invalid', `ttlMs must be a positive integer, got ${ttlMs}`);
}

/**
 * Mission locks with fencing tokens. The lock value is `<holder>:<token>`, so renew and
 * release succeed only for the very lease that set it: a holder whose lease expired (and
 * was perhaps taken over) can neither extend nor delete the new holder's lock.
 */
export class MissionLocks {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StoreKeys,
  ) {}

  async acquire(missionId: string, name: string, holder: string, ttlMs: number): Promise<LockLease | null> {
    if (name === '' || holder === '') throw new StoreError('invalid', 'lock name and holder must not be empty');
    assertTtl(ttlMs);
    const key = this.keys.lock(missionId, name);
    // Taken before the call so the lease never believes it lives longer than Redis does.
    const start = Date.now();
    const token = await lua.ACQUIRE_LOCK.run(this.redis, [key, this.keys.fence(missionId, name), this.keys.owned(missionId)], [holder, ttlMs]);
    if (typeof token !== 'number') return null;
    return { missionId, name, key, holder, token, expiresAt: start + ttlMs };
  }

  async renew(lease: LockLease, ttlMs: number): Promise<LockLease | null> {
    assertTtl(ttlMs);
    const start = Date.now();
    const ok = await lua.RENEW_LOCK.run(this.redis, [lease.key], [`${lease.holder}:${lease.token}`, ttlMs]);
    return ok === 1 ? { ...lease, expiresAt: start + ttlMs } : null;
  }

  async release(lease: LockLease): Promise<boolean> {
    return (await lua.RELEASE_LOCK.run(this.redis, [lease.key], [`${lease.holder}:${lease.token}`])) === 1;
  }
}

import { Id } from '@aime/protocol';
import type { Bundle, ToolInfo } from '@aime/protocol';
import type { RedisClient } from './redis-connection.ts';
import { StoreError } from './errors.ts';
import type { StoreKeys } from './keys.ts';
import type { CapabilityWait, KnownBundle, WorkerAdvert } from './types.ts';

/**
 * Live capability registry. The advert key's PX ttl is the truth about liveness; the
 * `workers` sorted set (scored by expiry) only makes listing cheap and is pruned as it goes.
 * Scores use the advertiser's clock, so worker clocks should be roughly in sync.
 */
export class WorkerRegistry {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StoreKeys,
  ) {}

  async advertise(worker: WorkerAdvert, ttlMs: number): Promise<void> {
    if (!Id.safeParse(worker.workerId).success) throw new StoreError('invalid', `workerId must match the protocol Id pattern, got ${JSON.stringify(worker.workerId)}`);
    if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new StoreError('invalid', `ttlMs must be a positive integer, got ${ttlMs}`);
    const lastSeen = new Date().toISOString();
    // A pipeline, not MULTI: the advert may be refreshed by one command and listed by another; on a
    // Cluster every registry key shares the `{registry}` hash tag, so the pipeline stays on one node.
    const pipe = this.redis
      .pipeline()
      .set(this.keys.worker(worker.workerId), JSON.stringify(worker), 'PX', ttlMs)
      .zadd(this.keys.workers, Date.now() + ttlMs, worker.workerId);
    // Remembered after the worker is gone, so a task needing it can wait for it rather than fail.
    if (worker.bundles.length > 0) {
      pipe.hset(this.keys.knownBundles, Object.fromEntries(worker.bundles.map((b) => [b.name, JSON.stringify({ ...b, workers: 0, lastSeen } satisfies KnownBundle)])));
    }
    await pipe.exec();
  }

  async known(): Promise<KnownBundle[]> {
    const all = await this.redis.hgetall(this.keys.knownBundles);
    return Object.values(all)
      .map((json) => JSON.parse(json) as KnownBundle)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async putWait(wait: CapabilityWait): Promise<void> {
    if (!Id.safeParse(wait.missionId).success || !Id.safeParse(wait.taskId).success) throw new StoreError('invalid', 'a capability wait needs a valid missionId and taskId');
    if (!Number.isInteger(wait.attempt) || wait.attempt <= 0) throw new StoreError('invalid', `attempt must be a positive integer, got ${wait.attempt}`);
    await this.redis.hset(this.keys.capabilityWaits, waitField(wait), JSON.stringify(wait));
  }

  async waits(): Promise<CapabilityWait[]> {
    const all = await this.redis.hgetall(this.keys.capabilityWaits);
    return Object.values(all)
      .map((json) => JSON.parse(json) as CapabilityWait)
      .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
  }

  async removeWait(wait: Pick<CapabilityWait, 'missionId' | 'taskId' | 'attempt'>): Promise<boolean> {
    return (await this.redis.hdel(this.keys.capabilityWaits, waitField(wait))) === 1;
  }

  async remove(workerId: string): Promise<void> {
    await this.redis.pipeline().del(this.keys.worker(workerId)).zrem(this.keys.workers, workerId).exec();
  }

  /** Live workers, ordered by workerId. */
  async list(): Promise<WorkerAdvert[]> {
    // A refresh raises the score atomically, so pruning by score never drops a live worker.
    await this.redis.zremrangebyscore(this.keys.workers, '-inf', Date.now());
    const ids = await this.redis.zrange(this.keys.workers, 0, -1);
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.get(this.keys.worker(id));
    const replies = (await pipe.exec()) ?? [];
    const out: WorkerAdvert[] = [];
    for (const [err, json] of replies) {
      if (err || typeof json !== 'string') continue;
      out.push(JSON.parse(json) as WorkerAdvert);
    }
    return out.sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0));
  }

  async bundles(): Promise<Bundle[]> {
    return mergeBundles(await this.list());
  }
}

const waitField = (w: Pick<CapabilityWait, 'missionId' | 'taskId' | 'attempt'>): string => `${w.missionId}/${w.taskId}/${w.attempt}`;

/**
 * Bundles merged by name across workers: tools are the union by tool name (the first
 * worker's definition wins), `workers` counts the workers serving the bundle. Sorted by name.
 */
export function mergeBundles(workers: readonly WorkerAdvert[]): Bundle[] {
  const merged = new Map<string, { bundle: Bundle; tools: Map<string, ToolInfo>; workers: Set<string> }>();
  for (const w of workers) {
    for (const b of w.bundles) {
      let m = merged.get(b.name);
      if (!m) {
        m = { bundle: b, tools: new Map(), workers: new Set() };
        merged.set(b.name, m);
      }
      m.workers.add(w.workerId);
      for (const t of b.tools) if (!m.tools.has(t.name)) m.tools.set(t.name, t);
    }
  }
  return [...merged.values()]
    .map(({ bundle, tools, workers: ws }) => ({ ...bundle, tools: [...tools.values()], workers: ws.size }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// Key layout: see ./keys.ts (every key of a mission under `<prefix>{<missionId>}:`).
import { MissionStatus as MissionStatusEnum } from '@aime/protocol';
import type { Bundle, Event, MissionStatus, MissionSummary, TaskGraph } from '@aime/protocol';
import type { RedisClient } from './redis-connection.ts';
import { ApprovalRecords } from './approval-records.ts';
import { BlockingReader } from './blocking-reader.ts';
import { assertStreamId, decodeStreamEvents } from './codec.ts';
import type { StreamEntries } from './codec.ts';
import { StoreKeys } from './keys.ts';
import { MissionIndex } from './mission-index.ts';
import { MissionLifecycle } from './mission-lifecycle.ts';
import { MissionLog } from './mission-log.ts';
import { countMissions, listMissionIds, listMissionPage } from './mission-list.ts';
import { MissionLocks } from './mission-locks.ts';
import { MissionRecords } from './mission-records.ts';
import { NamedRecords, type ScriptContext } from './named-records.ts';
import { PlannerCommits } from './planner-commits.ts';
import { assertEventsMax, assertRetention, DEFAULT_EVENTS_MAX, DEFAULT_RETENTION_MS } from './retention.ts';
import type { MissionStore } from './roles.ts';
import * as lua from './scripts.ts';
import { summarize } from './summary.ts';
import type { CapabilityWait, FeedEntry, KnownBundle, ListMissionsOptions, LockLease, MissionRecord, WorkerAdvert } from './types.ts';
import { assertId, assertPositiveInt, invalid } from './validate.ts';
import { WorkerRegistry } from './worker-registry.ts';

/** How long `tailEvents` / `tailFeed` wait when no blockMs is given. @default 5000 */
export const DEFAULT_BLOCK_MS = 5000;
/** Approximate length the global feed is trimmed to. */
export const FEED_MAXLEN = 10_000;

export interface RedisMissionStoreOptions {
  /** @default 'aime:' */
  prefix?: string;
  /** Quit `redis` on close(): true when the store created the connection itself. @default false */
  ownsConnection?: boolean;
  /** How long a finished mission (succeeded, failed, cancelled) is kept, with every key it owns. @default 7 days */
  retentionMs?: number;
  /**
   * Approximate cap of each mission's event stream (XADD MAXLEN ~): the oldest events go first.
   * The answer and error live in the mission record, so trimming never loses them. @default 10000
   */
  eventsMax?: number;
}

/** Finished missions removed from the indexes per `sweepExpired` call. */
const SWEEP_BATCH = 500;

/**
 * The Redis implementation of {@link MissionStore}: a facade over one module per area (mission
 * life, records, named records, approvals, planner commits, locks, registry, indexes).
 */
export class RedisMissionStore implements MissionStore {
  readonly prefix: string;
  private readonly keys: StoreKeys;
  private readonly reader: BlockingReader;
  private readonly registry: WorkerRegistry;
  private readonly locks: MissionLocks;
  private readonly index: MissionIndex;
  private readonly missions: MissionLifecycle;
  private readonly log: MissionLog;
  private readonly records: MissionRecords;
  private readonly named: NamedRecords;
  private readonly approvals: ApprovalRecords;
  private readonly commits: PlannerCommits;
  private readonly ownsConnection: boolean;
  readonly retentionMs: number;
  readonly eventsMax: number;
  private closed = false;

  constructor(
    private readonly redis: RedisClient,
    opts: RedisMissionStoreOptions = {},
  ) {
    const prefix = opts.prefix ?? 'aime:';
    // A brace in the prefix would become the hash tag of every key and put all missions in one slot.
    if (/[{}]/.test(prefix)) throw invalid(`prefix must not contain { or }, got ${JSON.stringify(prefix)}`);
    this.prefix = prefix;
    // On a Cluster the global keys get hash tags per group (./keys.ts); on one Redis the names are unchanged.
    this.keys = new StoreKeys(prefix, { cluster: redis.isCluster });
    this.ownsConnection = opts.ownsConnection ?? false;
    this.retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    assertRetention(this.retentionMs);
    this.eventsMax = opts.eventsMax ?? DEFAULT_EVENTS_MAX;
    assertEventsMax(this.eventsMax);
    const ctx: ScriptContext = { redis, keys: this.keys, eventsMax: this.eventsMax, feed: (id, events) => this.feed(id, events) };
    this.reader = new BlockingReader(redis);
    this.registry = new WorkerRegistry(redis, this.keys);
    this.locks = new MissionLocks(redis, this.keys);
    this.index = new MissionIndex(redis, this.keys);
    this.missions = new MissionLifecycle(ctx, this.index, this.retentionMs);
    this.log = new MissionLog(ctx);
    this.records = new MissionRecords(redis, this.keys);
    this.named = new NamedRecords(ctx);
    this.approvals = new ApprovalRecords(ctx);
    this.commits = new PlannerCommits(redis, this.keys, this.eventsMax, ctx.feed);
  }

  // ---- missions: ./mission-lifecycle.ts ----

  createMission(...args: Parameters<MissionLifecycle['create']>): ReturnType<MissionLifecycle['create']> {
    return this.missions.create(...args);
  }
  setMissionStatus(...args: Parameters<MissionLifecycle['setStatus']>): ReturnType<MissionLifecycle['setStatus']> {
    return this.missions.setStatus(...args);
  }
  addUsage(...args: Parameters<MissionLifecycle['addUsage']>): ReturnType<MissionLifecycle['addUsage']> {
    return this.missions.addUsage(...args);
  }

  async getMission(id: string): Promise<MissionRecord | null> {
    const [record] = await this.missions.load([id]);
    return record ?? null;
  }

  listMissions(opts: ListMissionsOptions = {}): Promise<{ items: MissionRecord[]; nextCursor?: string }> {
    return listMissionPage(this.redis, this.keys, this.index, (ids) => this.missions.load(ids), opts);
  }

  listMissionIds(opts: { status: MissionStatus; limit?: number; cursor?: string }): Promise<{ ids: string[]; nextCursor?: string }> {
    return listMissionIds(this.redis, this.keys, this.index, opts);
  }

  countMissions(opts: { owner?: string } = {}): Promise<{ total: number; byStatus: Record<string, number> }> {
    return countMissions(this.redis, this.keys, MissionStatusEnum.options, opts.owner);
  }

  summarize(record: MissionRecord, graph: TaskGraph): MissionSummary {
    return summarize(record, graph);
  }

  // ---- task graph, events, inbox: ./mission-log.ts ----

  readGraph(...args: Parameters<MissionLog['readGraph']>): ReturnType<MissionLog['readGraph']> {
    return this.log.readGraph(...args);
  }
  writeGraph(...args: Parameters<MissionLog['writeGraph']>): ReturnType<MissionLog['writeGraph']> {
    return this.log.writeGraph(...args);
  }
  appendEvent(...args: Parameters<MissionLog['appendEvent']>): ReturnType<MissionLog['appendEvent']> {
    return this.log.appendEvent(...args);
  }
  readEvents(...args: Parameters<MissionLog['readEvents']>): ReturnType<MissionLog['readEvents']> {
    return this.log.readEvents(...args);
  }
  pushInbox(...args: Parameters<MissionLog['pushInbox']>): ReturnType<MissionLog['pushInbox']> {
    return this.log.pushInbox(...args);
  }
  drainInbox(...args: Parameters<MissionLog['drainInbox']>): ReturnType<MissionLog['drainInbox']> {
    return this.log.drainInbox(...args);
  }
  inboxLength(...args: Parameters<MissionLog['inboxLength']>): ReturnType<MissionLog['inboxLength']> {
    return this.log.inboxLength(...args);
  }

  /** Resolves `[]` on timeout and on abort; `blockMs: 0` waits until an event or the abort. */
  async tailEvents(missionId: string, opts: { after?: string; blockMs?: number; limit?: number; signal?: AbortSignal }): Promise<Event[]> {
    const entries = await this.tail(this.keys.events(missionId), opts);
    return decodeStreamEvents(entries);
  }

  async lastEventId(missionId: string): Promise<string | null> {
    return this.lastStreamId(this.keys.events(missionId));
  }

  // ---- the planner step's atomic commit: ./planner-commits.ts ----

  peekInbox(...args: Parameters<PlannerCommits['peekInbox']>): ReturnType<PlannerCommits['peekInbox']> {
    return this.commits.peekInbox(...args);
  }
  getPlannerState(...args: Parameters<PlannerCommits['getPlannerState']>): ReturnType<PlannerCommits['getPlannerState']> {
    return this.commits.getPlannerState(...args);
  }
  commitPlannerStep(...args: Parameters<PlannerCommits['commitPlannerStep']>): ReturnType<PlannerCommits['commitPlannerStep']> {
    return this.commits.commitPlannerStep(...args);
  }
  readIntents(...args: Parameters<PlannerCommits['readIntents']>): ReturnType<PlannerCommits['readIntents']> {
    return this.commits.readIntents(...args);
  }
  clearIntents(...args: Parameters<PlannerCommits['clearIntents']>): ReturnType<PlannerCommits['clearIntents']> {
    return this.commits.clearIntents(...args);
  }

  // ---- progress, actors, transcripts, artifacts: ./mission-records.ts ----

  setProgress(...args: Parameters<MissionRecords['setProgress']>): ReturnType<MissionRecords['setProgress']> {
    return this.records.setProgress(...args);
  }
  getProgress(...args: Parameters<MissionRecords['getProgress']>): ReturnType<MissionRecords['getProgress']> {
    return this.records.getProgress(...args);
  }
  putActorSpec(...args: Parameters<MissionRecords['putActorSpec']>): ReturnType<MissionRecords['putActorSpec']> {
    return this.records.putActorSpec(...args);
  }
  getActorSpec(...args: Parameters<MissionRecords['getActorSpec']>): ReturnType<MissionRecords['getActorSpec']> {
    return this.records.getActorSpec(...args);
  }
  appendTranscript(...args: Parameters<MissionRecords['appendTranscript']>): ReturnType<MissionRecords['appendTranscript']> {
    return this.records.appendTranscript(...args);
  }
  readTranscript(...args: Parameters<MissionRecords['readTranscript']>): ReturnType<MissionRecords['readTranscript']> {
    return this.records.readTranscript(...args);
  }
  putArtifact(...args: Parameters<MissionRecords['putArtifact']>): ReturnType<MissionRecords['putArtifact']> {
    return this.records.putArtifact(...args);
  }
  getArtifact(...args: Parameters<MissionRecords['getArtifact']>): ReturnType<MissionRecords['getArtifact']> {
    return this.records.getArtifact(...args);
  }

  // ---- named records: ./named-records.ts ----

  putPendingStep(...args: Parameters<NamedRecords['putPendingStep']>): ReturnType<NamedRecords['putPendingStep']> {
    return this.named.putPendingStep(...args);
  }
  getPendingStep(...args: Parameters<NamedRecords['getPendingStep']>): ReturnType<NamedRecords['getPendingStep']> {
    return this.named.getPendingStep(...args);
  }
  markReported(...args: Parameters<NamedRecords['markReported']>): ReturnType<NamedRecords['markReported']> {
    return this.named.markReported(...args);
  }
  isReported(...args: Parameters<NamedRecords['isReported']>): ReturnType<NamedRecords['isReported']> {
    return this.named.isReported(...args);
  }
  recordActorQueue(...args: Parameters<NamedRecords['recordActorQueue']>): ReturnType<NamedRecords['recordActorQueue']> {
    return this.named.recordActorQueue(...args);
  }
  getActorQueue(...args: Parameters<NamedRecords['getActorQueue']>): ReturnType<NamedRecords['getActorQueue']> {
    return this.named.getActorQueue(...args);
  }
  putActorLease(...args: Parameters<NamedRecords['putActorLease']>): ReturnType<NamedRecords['putActorLease']> {
    return this.named.putActorLease(...args);
  }
  getActorLease(...args: Parameters<NamedRecords['getActorLease']>): ReturnType<NamedRecords['getActorLease']> {
    return this.named.getActorLease(...args);
  }
  getStallHistory(...args: Parameters<NamedRecords['getStallHistory']>): ReturnType<NamedRecords['getStallHistory']> {
    return this.named.getStallHistory(...args);
  }
  putStallHistory(...args: Parameters<NamedRecords['putStallHistory']>): ReturnType<NamedRecords['putStallHistory']> {
    return this.named.putStallHistory(...args);
  }
  getRepairCount(...args: Parameters<NamedRecords['getRepairCount']>): ReturnType<NamedRecords['getRepairCount']> {
    return this.named.getRepairCount(...args);
  }
  setRepairCount(...args: Parameters<NamedRecords['setRepairCount']>): ReturnType<NamedRecords['setRepairCount']> {
    return this.named.setRepairCount(...args);
  }
  announceMissionFinished(...args: Parameters<NamedRecords['announceMissionFinished']>): ReturnType<NamedRecords['announceMissionFinished']> {
    return this.named.announceMissionFinished(...args);
  }
  warnUnknownPrice(...args: Parameters<NamedRecords['warnUnknownPrice']>): ReturnType<NamedRecords['warnUnknownPrice']> {
    return this.named.warnUnknownPrice(...args);
  }

  // ---- approvals: ./approval-records.ts ----

  putApproval(...args: Parameters<ApprovalRecords['put']>): ReturnType<ApprovalRecords['put']> {
    return this.approvals.put(...args);
  }
  getApproval(...args: Parameters<ApprovalRecords['get']>): ReturnType<ApprovalRecords['get']> {
    return this.approvals.get(...args);
  }
  listApprovals(...args: Parameters<ApprovalRecords['list']>): ReturnType<ApprovalRecords['list']> {
    return this.approvals.list(...args);
  }
  announceApprovalRequest(...args: Parameters<ApprovalRecords['announceRequest']>): ReturnType<ApprovalRecords['announceRequest']> {
    return this.approvals.announceRequest(...args);
  }
  claimApprovalDecision(...args: Parameters<ApprovalRecords['claimDecision']>): ReturnType<ApprovalRecords['claimDecision']> {
    return this.approvals.claimDecision(...args);
  }
  getApprovalDecision(...args: Parameters<ApprovalRecords['getDecision']>): ReturnType<ApprovalRecords['getDecision']> {
    return this.approvals.getDecision(...args);
  }

  // ---- locks with fencing ----

  acquireLock(missionId: string, name: string, holder: string, ttlMs: number): Promise<LockLease | null> {
    return this.locks.acquire(missionId, name, holder, ttlMs);
  }
  renewLock(lease: LockLease, ttlMs: number): Promise<LockLease | null> {
    return this.locks.renew(lease, ttlMs);
  }
  releaseLock(lease: LockLease): Promise<boolean> {
    return this.locks.release(lease);
  }

  // ---- global feed ----

  async tailFeed(opts: { after?: string; blockMs?: number; limit?: number; signal?: AbortSignal }): Promise<FeedEntry[]> {
    const entries = await this.tail(this.keys.feed, opts);
    return entries.map(([id, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
      return { id, missionId: f.missionId ?? '', eventId: f.eventId ?? '', type: f.type ?? '' };
    });
  }

  // ---- live capability registry ----

  advertiseWorker(worker: WorkerAdvert, ttlMs: number): Promise<void> {
    return this.registry.advertise(worker, ttlMs);
  }
  removeWorker(workerId: string): Promise<void> {
    return this.registry.remove(workerId);
  }
  listWorkers(): Promise<WorkerAdvert[]> {
    return this.registry.list();
  }
  listBundles(): Promise<Bundle[]> {
    return this.registry.bundles();
  }
  listKnownBundles(): Promise<KnownBundle[]> {
    return this.registry.known();
  }
  putCapabilityWait(wait: CapabilityWait): Promise<void> {
    return this.registry.putWait(wait);
  }
  listCapabilityWaits(): Promise<CapabilityWait[]> {
    return this.registry.waits();
  }
  removeCapabilityWait(wait: Pick<CapabilityWait, 'missionId' | 'taskId' | 'attempt'>): Promise<boolean> {
    return this.registry.removeWait(wait);
  }

  // ---- retention ----

  async ownKeys(missionId: string, keys: string[]): Promise<void> {
    assertId(missionId, 'missionId');
    const tag = `{${missionId}}`;
    for (const key of keys) {
      // Another hash tag would be another Cluster slot: the finish script could not reach it.
      if (!key.includes(tag) || key.indexOf('{') !== key.indexOf(tag)) throw invalid(`owned key ${JSON.stringify(key)} must carry the mission's hash tag ${tag}`);
    }
    if (keys.length > 0) await lua.OWN_KEYS.run(this.redis, [this.keys.owned(missionId), ...keys], []);
  }

  sweepExpired(now: number = Date.now()): Promise<string[]> {
    return this.index.sweep(now, SWEEP_BATCH);
  }

  backfillIndexes(): Promise<number> {
    return this.index.backfill();
  }

  /** Deletes every key of the mission and its index entries; a no-op for an unknown id. */
  deleteMission(id: string): Promise<void> {
    return this.missions.delete(id);
  }

  /** Quits the connections this store created; a connection passed in stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reader.close();
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  // ---- internals ----

  private async lastStreamId(key: string): Promise<string | null> {
    const last = (await this.redis.xrevrange(key, '+', '-', 'COUNT', 1)) as StreamEntries;
    return last[0]?.[0] ?? null;
  }

  private async tail(key: string, opts: { after?: string; blockMs?: number; limit?: number; signal?: AbortSignal }): Promise<StreamEntries> {
    if (opts.after !== undefined) assertStreamId(opts.after, 'after');
    if (opts.limit !== undefined) assertPositiveInt(opts.limit, 'limit');
    const blockMs = opts.blockMs ?? DEFAULT_BLOCK_MS;
    if (!Number.isInteger(blockMs) || blockMs < 0) throw invalid(`blockMs must be a non-negative integer, got ${blockMs}`);
    // An explicit id rather than `$`, so an event appended between this lookup and XREAD is not missed.
    const after = opts.after ?? (await this.lastStreamId(key)) ?? '0-0';
    return this.reader.read(key, after, { blockMs, ...(opts.limit !== undefined ? { limit: opts.limit } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  }

  /** Best effort: the feed is outside the mission's hash tag, and a lost feed entry only delays a view. */
  private async feed(missionId: string, events: Event[]): Promise<void> {
    if (events.length === 0) return;
    const pipe = this.redis.pipeline();
    for (const e of events) pipe.xadd(this.keys.feed, 'MAXLEN', '~', FEED_MAXLEN, '*', 'missionId', missionId, 'eventId', e.id, 'type', e.type);
    await pipe.exec().catch(() => undefined);
  }
}

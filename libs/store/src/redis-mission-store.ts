// Key layout: see ./keys.ts (every key of a mission under `<prefix>{<missionId>}:`).
import { EMPTY_USAGE, isTerminalMissionStatus, MissionStatus, ModelInfo, ResolvedBudget, TaskGraph, InboxItem, parseEvent } from '@aime/protocol';
import type { Bundle, Event, MissionSummary, NewEvent, Usage } from '@aime/protocol';
import type { Redis } from 'ioredis';
import { BlockingReader } from './blocking-reader.ts';
import { assertStreamId, decodeRecord, decodeStreamEvents, decodeUsage, encodeNewEvent, encodeRecordBase, flatToObject, parseInboxItem } from './codec.ts';
import type { StreamEntries } from './codec.ts';
import { StoreError } from './errors.ts';
import { newMissionId } from './ids.ts';
import { StoreKeys, escapeGlob } from './keys.ts';
import { MissionIndex } from './mission-index.ts';
import { listMissionIds, listMissionPage } from './mission-list.ts';
import { MissionLocks } from './mission-locks.ts';
import { MissionRecords } from './mission-records.ts';
import { PlannerCommits } from './planner-commits.ts';
import { assertId, assertPositiveInt, invalid } from './validate.ts';
import { assertEventsMax, assertRetention, DEFAULT_EVENTS_MAX, DEFAULT_RETENTION_MS } from './retention.ts';
import * as lua from './scripts.ts';
import { summarize } from './summary.ts';
import type { CapabilityWait, CreateMissionInput, FeedEntry, KnownBundle, ListMissionsOptions, LockLease, MissionRecord, MissionStore, UsageDelta, WorkerAdvert } from './types.ts';
import { WorkerRegistry } from './worker-registry.ts';

/** How long `tailEvents` / `tailFeed` wait when no blockMs is given. @default 5000 */
export const DEFAULT_BLOCK_MS = 5000;
/** Approximate length the global feed is trimmed to. */
export const FEED_MAXLEN = 10_000;
const FROM_MARK = '@@aime-status-from@@';

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

/** The Redis implementation of {@link MissionStore}. */
export class RedisMissionStore implements MissionStore {
  readonly prefix: string;
  private readonly keys: StoreKeys;
  private readonly reader: BlockingReader;
  private readonly registry: WorkerRegistry;
  private readonly locks: MissionLocks;
  private readonly index: MissionIndex;
  private readonly records: MissionRecords;
  private readonly commits: PlannerCommits;
  private readonly ownsConnection: boolean;
  readonly retentionMs: number;
  readonly eventsMax: number;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    opts: RedisMissionStoreOptions = {},
  ) {
    const prefix = opts.prefix ?? 'aime:';
    // A brace in the prefix would become the hash tag of every key and put all missions in one slot.
    if (/[{}]/.test(prefix)) throw invalid(`prefix must not contain { or }, got ${JSON.stringify(prefix)}`);
    this.prefix = prefix;
    this.keys = new StoreKeys(prefix);
    this.reader = new BlockingReader(redis);
    this.registry = new WorkerRegistry(redis, this.keys);
    this.locks = new MissionLocks(redis, this.keys);
    this.index = new MissionIndex(redis, this.keys);
    this.records = new MissionRecords(redis, this.keys);
    this.ownsConnection = opts.ownsConnection ?? false;
    this.retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    assertRetention(this.retentionMs);
    this.eventsMax = opts.eventsMax ?? DEFAULT_EVENTS_MAX;
    assertEventsMax(this.eventsMax);
    this.commits = new PlannerCommits(redis, this.keys, this.eventsMax, (id, events) => this.feed(id, events));
  }

  // ---- missions ----

  async createMission(input: CreateMissionInput): Promise<{ mission: MissionRecord; event: Event }> {
    const id = input.id ?? newMissionId();
    assertId(id, 'mission id');
    if (typeof input.goal !== 'string' || input.goal.trim() === '') throw invalid('goal must be a non-empty string');
    const model = ModelInfo.safeParse(input.model);
    if (!model.success) throw invalid(`model is invalid: ${model.error.message}`);
    const budget = ResolvedBudget.safeParse(input.budget);
    if (!budget.success) throw invalid(`budget is invalid: ${budget.error.message}`);

    const now = new Date();
    const mission: MissionRecord = {
      id,
      goal: input.goal,
      status: 'queued',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      model: model.data,
      budget: budget.data,
      usage: { ...EMPTY_USAGE },
    };
    if (input.context !== undefined) mission.context = input.context;
    if (input.metadata !== undefined) mission.metadata = input.metadata;
    if (input.owner !== undefined) mission.owner = input.owner;

    const data = { goal: mission.goal, budget: mission.budget, model: mission.model, ...(input.context !== undefined ? { context: input.context } : {}) };
    const { json, stored } = encodeNewEvent(id, { type: 'mission.created', data }, mission.createdAt);
    const k = this.keys;
    const eventId = await lua.CREATE_MISSION.run(this.redis, [k.record(id), k.usage(id), k.events(id), k.inbox(id)], [encodeRecordBase(mission), mission.status, mission.updatedAt, json, this.eventsMax]);
    if (typeof eventId !== 'string') throw new StoreError('conflict', `mission ${id} exists already`, { missionId: id });
    // The indexes are global (another slot), so they are written after the mission's atomic step.
    await this.index.added(id, mission.owner, mission.status, now.getTime());
    const event = parseEvent({ ...stored, id: eventId });
    await this.feed(id, [event]);
    return { mission, event };
  }

  async getMission(id: string): Promise<MissionRecord | null> {
    const [record] = await this.loadRecords([id]);
    return record ?? null;
  }

  listMissions(opts: ListMissionsOptions = {}): Promise<{ items: MissionRecord[]; nextCursor?: string }> {
    return listMissionPage(this.redis, this.keys, this.index, (ids) => this.loadRecords(ids), opts);
  }

  listMissionIds(opts: { status: MissionStatus; limit?: number; cursor?: string }): Promise<{ ids: string[]; nextCursor?: string }> {
    return listMissionIds(this.redis, this.keys, this.index, opts);
  }

  async setMissionStatus(
    id: string,
    to: MissionStatus,
    opts: { from?: MissionStatus[]; reason?: string; result?: MissionRecord['result']; error?: MissionRecord['error'] } = {},
  ): Promise<{ mission: MissionRecord; event: Event } | null> {
    if (!MissionStatus.safeParse(to).success) throw invalid(`unknown mission status ${JSON.stringify(to)}`);
    if (opts.from && opts.from.length === 0) return null;
    const { stored } = encodeNewEvent(id, { type: 'mission.status', data: { from: 'queued', to, ...(opts.reason !== undefined ? { reason: opts.reason } : {}) } });
    // `from` is only known inside the script: it splices the stored status into this template.
    const template = JSON.stringify({ ...stored, data: { ...(stored.data as object), from: FROM_MARK } });
    const at = template.indexOf(JSON.stringify(FROM_MARK));
    const pre = template.slice(0, at);
    const post = template.slice(at + FROM_MARK.length + 2);
    const k = this.keys;
    const final = isTerminalMissionStatus(to);
    const reply = await lua.SET_STATUS.run(
      this.redis,
      // KEYS[9] must stay the approvals hash: the script reads its ids on a final status.
      [k.record(id), k.usage(id), k.events(id), k.owned(id), k.graph(id), k.inbox(id), k.progress(id), k.actors(id), k.approvals(id)],
      [
        to,
        stored.ts,
        opts.result ? JSON.stringify(opts.result) : '',
        opts.error ? JSON.stringify(opts.error) : '',
        pre,
        post,
        final ? this.retentionMs : '',
        this.eventsMax,
        ...(opts.from ?? []),
      ],
    );
    if (!Array.isArray(reply)) return null;
    const [from, eventId, recordFlat, usageFlat, approvals] = reply as [string, string, unknown, unknown, string[]];
    const mission = decodeRecord(flatToObject(recordFlat), flatToObject(usageFlat));
    if (!mission) return null;
    await this.index.moved(id, mission.owner, to, Date.parse(mission.createdAt), final ? { expiresAt: Date.now() + this.retentionMs, approvals } : undefined);
    const event = parseEvent({ ...stored, id: eventId, data: { ...(stored.data as object), from } });
    await this.feed(id, [event]);
    return { mission, event };
  }

  async addUsage(id: string, delta: UsageDelta): Promise<Usage> {
    const ints = ['promptTokens', 'completionTokens', 'plannerSteps', 'actors', 'cachedPromptTokens', 'reasoningTokens'] as const;
    for (const f of ints) {
      const v = delta[f] ?? 0;
      if (!Number.isInteger(v) || v < 0) throw invalid(`usage ${f} must be a non-negative integer, got ${v}`);
    }
    const cost = delta.costUsd ?? 0;
    if (!Number.isFinite(cost) || cost < 0) throw invalid(`usage costUsd must be a non-negative number, got ${cost}`);
    const reply = await lua.ADD_USAGE.run(
      this.redis,
      [this.keys.record(id), this.keys.usage(id)],
      [
        delta.promptTokens ?? 0,
        delta.completionTokens ?? 0,
        cost.toFixed(12),
        delta.plannerSteps ?? 0,
        delta.actors ?? 0,
        delta.cachedPromptTokens ?? 0,
        delta.reasoningTokens ?? 0,
        delta.costUnknown ? '1' : '0',
      ],
    );
    if (!Array.isArray(reply)) throw new StoreError('not_found', `mission ${id} not found`, { missionId: id });
    return decodeUsage(flatToObject(reply));
  }

  summarize(record: MissionRecord, graph: TaskGraph): MissionSummary {
    return summarize(record, graph);
  }

  // ---- task graph ----

  async readGraph(missionId: string): Promise<TaskGraph> {
    const [version, json] = await this.redis.hmget(this.keys.graph(missionId), 'version', 'json');
    if (!json) return { version: 0, tasks: [] };
    const graph = JSON.parse(json) as TaskGraph;
    return { ...graph, version: Number(version ?? graph.version) };
  }

  async writeGraph(missionId: string, expectedVersion: number, graph: TaskGraph, events: NewEvent[] = []): Promise<{ version: number; events: Event[] }> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) throw invalid(`expectedVersion must be a non-negative integer, got ${expectedVersion}`);
    const version = expectedVersion + 1;
    const parsed = TaskGraph.safeParse({ ...graph, version });
    if (!parsed.success) throw invalid(`graph is invalid: ${parsed.error.message}`);
    const encoded = events.map((e) => encodeNewEvent(missionId, e));
    const k = this.keys;
    const reply = (await lua.WRITE_GRAPH.run(
      this.redis,
      [k.record(missionId), k.graph(missionId), k.events(missionId)],
      [expectedVersion, this.eventsMax, JSON.stringify(parsed.data), ...encoded.map((e) => e.json)],
    )) as string[];
    if (reply[0] === 'missing') throw new StoreError('not_found', `mission ${missionId} not found`, { missionId });
    if (reply[0] === 'stale') {
      const actual = Number(reply[1]);
      throw new StoreError('stale_write', `graph of ${missionId} is at version ${actual}, expected ${expectedVersion}`, { expected: expectedVersion, actual });
    }
    const written = encoded.map((e, i) => parseEvent({ ...e.stored, id: reply[i + 1] }));
    await this.feed(missionId, written);
    return { version, events: written };
  }

  // ---- events ----

  async appendEvent(missionId: string, event: NewEvent): Promise<Event> {
    const { json, stored } = encodeNewEvent(missionId, event);
    const id = await lua.APPEND_EVENT.run(this.redis, [this.keys.record(missionId), this.keys.events(missionId)], [json, this.eventsMax]);
    if (typeof id !== 'string') throw new StoreError('not_found', `mission ${missionId} not found`, { missionId });
    const written = parseEvent({ ...stored, id });
    await this.feed(missionId, [written]);
    return written;
  }

  async readEvents(missionId: string, opts: { after?: string; limit?: number } = {}): Promise<Event[]> {
    if (opts.after !== undefined) assertStreamId(opts.after, 'after');
    if (opts.limit !== undefined) assertPositiveInt(opts.limit, 'limit');
    const start = opts.after !== undefined ? `(${opts.after}` : '-';
    const key = this.keys.events(missionId);
    const entries = (opts.limit !== undefined ? await this.redis.xrange(key, start, '+', 'COUNT', opts.limit) : await this.redis.xrange(key, start, '+')) as StreamEntries;
    return decodeStreamEvents(entries);
  }

  /** Resolves `[]` on timeout and on abort; `blockMs: 0` waits until an event or the abort. */
  async tailEvents(missionId: string, opts: { after?: string; blockMs?: number; limit?: number; signal?: AbortSignal }): Promise<Event[]> {
    const entries = await this.tail(this.keys.events(missionId), opts);
    return decodeStreamEvents(entries);
  }

  async lastEventId(missionId: string): Promise<string | null> {
    return this.lastStreamId(this.keys.events(missionId));
  }

  // ---- planner inbox ----

  async pushInbox(missionId: string, item: InboxItem): Promise<void> {
    const parsed = InboxItem.safeParse(item);
    if (!parsed.success) throw invalid(`inbox item is invalid: ${parsed.error.message}`);
    const n = await lua.PUSH_INBOX.run(this.redis, [this.keys.record(missionId), this.keys.inbox(missionId), this.keys.owned(missionId)], [JSON.stringify(parsed.data)]);
    if (typeof n !== 'number') throw new StoreError('not_found', `mission ${missionId} not found`, { missionId });
  }

  async drainInbox(missionId: string): Promise<InboxItem[]> {
    const items = (await lua.DRAIN_INBOX.run(this.redis, [this.keys.inbox(missionId)], [])) as string[];
    return items.map(parseInboxItem);
  }

  inboxLength(missionId: string): Promise<number> {
    return this.redis.llen(this.keys.inbox(missionId));
  }

  // ---- the planner step's atomic commit: ./planner-commits.ts ----

  peekInbox(missionId: string): Promise<InboxItem[]> {
    return this.commits.peekInbox(missionId);
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

  // ---- progress, actors, transcripts, artifacts, kv, approvals: ./mission-records.ts ----

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
  putJson(...args: Parameters<MissionRecords['putJson']>): ReturnType<MissionRecords['putJson']> {
    return this.records.putJson(...args);
  }
  getJson<T = unknown>(missionId: string, key: string): Promise<T | null> {
    return this.records.getJson<T>(missionId, key);
  }
  putApproval(...args: Parameters<MissionRecords['putApproval']>): ReturnType<MissionRecords['putApproval']> {
    return this.records.putApproval(...args);
  }
  getApproval(...args: Parameters<MissionRecords['getApproval']>): ReturnType<MissionRecords['getApproval']> {
    return this.records.getApproval(...args);
  }
  listApprovals(...args: Parameters<MissionRecords['listApprovals']>): ReturnType<MissionRecords['listApprovals']> {
    return this.records.listApprovals(...args);
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

  // ---- lifecycle ----

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
  async deleteMission(id: string): Promise<void> {
    assertId(id, 'mission id');
    const record = await this.getMission(id);
    const approvalIds = await this.redis.hkeys(this.keys.approvals(id));
    // Keys of other components (the travel world) registered as the mission's own.
    const owned = await this.redis.smembers(this.keys.owned(id));
    if (owned.length > 0) await this.redis.unlink(...owned);
    const match = `${escapeGlob(this.keys.mission(id))}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.redis.unlink(...keys);
    } while (cursor !== '0');
    await this.index.removed(id, record?.owner, approvalIds);
  }

  /** Quits the connections this store created; a Redis instance passed in stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reader.close();
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  // ---- internals ----

  private async loadRecords(ids: string[]): Promise<(MissionRecord | null)[]> {
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.keys.record(id)).hgetall(this.keys.usage(id));
    const replies = (await pipe.exec()) ?? [];
    return ids.map((_, i) => {
      const [errR, record] = replies[2 * i] ?? [null, null];
      const [errU, usage] = replies[2 * i + 1] ?? [null, null];
      if (errR) throw errR;
      if (errU) throw errU;
      return decodeRecord((record ?? {}) as Record<string, string>, (usage ?? {}) as Record<string, string>);
    });
  }

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

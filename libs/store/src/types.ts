import type {
  ActorSpec,
  Approval,
  ArtifactRef,
  Bundle,
  Event,
  FactoryJob,
  InboxItem,
  Mission,
  MissionStatus,
  MissionSummary,
  ModelInfo,
  NewEvent,
  ResolvedBudget,
  TaskGraph,
  TaskProgress,
  Usage,
} from '@aime/protocol';

/** The stored mission record: everything of `Mission` but the graph-derived fields. */
export interface MissionRecord {
  id: string;
  goal: string;
  status: MissionStatus;
  createdAt: string;
  updatedAt: string;
  model: ModelInfo;
  budget: ResolvedBudget;
  usage: Usage;
  context?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Who submitted it (API key principal); callers see only their own missions. */
  owner?: string;
  result?: Mission['result'];
  error?: Mission['error'];
}

export interface CreateMissionInput {
  id?: string;
  goal: string;
  model: ModelInfo;
  budget: ResolvedBudget;
  context?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  owner?: string;
}

export interface ListMissionsOptions {
  status?: MissionStatus;
  owner?: string;
  limit?: number;
  cursor?: string;
}

/** A held lock. `token` is the fencing token: it increases with every acquisition of that lock. */
export interface LockLease {
  missionId: string;
  name: string;
  key: string;
  holder: string;
  token: number;
  expiresAt: number;
}

export interface FeedEntry {
  /** The feed stream's own id. */
  id: string;
  missionId: string;
  eventId: string;
  type: string;
}

export interface WorkerAdvert {
  workerId: string;
  /** The BullMQ queue this worker consumes actor jobs from. */
  queue: string;
  bundles: Bundle[];
  startedAt: string;
}

/** A bundle some worker advertised at some time, live or not. */
export interface KnownBundle extends Bundle {
  /** When a worker last advertised it (ISO time). */
  lastSeen: string;
}

/**
 * A task the Actor Factory could not spawn because no live worker serves what it needs; the
 * factory's watcher unblocks it when one appears.
 */
export interface CapabilityWait {
  missionId: string;
  taskId: string;
  attempt: number;
  /** The bundles the actor needs. */
  bundles: string[];
  reason: string;
  since: string;
}

/** Thrown by `writeGraph` when the stored version is not the expected one. Code: `stale_write`. */
export interface StaleWriteInfo {
  expected: number;
  actual: number;
}

/** What the planner keeps between its steps. */
export interface PlannerState {
  /** News (reports, outside events…) not yet answered by a usable planner answer. */
  news: unknown[];
  /** Steps in a row without a usable planner answer. */
  badSteps: number;
}

/** One planner step's writes, committed at once (see `MissionStore.commitPlannerStep`). */
export interface PlannerCommit {
  lease: LockLease;
  expectedVersion: number;
  /** The new graph; omitted when the step changed none. */
  graph?: TaskGraph;
  events: NewEvent[];
  /** How many inbox items, from the oldest, the step read and used. */
  consumedInbox: number;
  state: PlannerState;
  /** Factory jobs to enqueue once committed. */
  intents: FactoryJob[];
}

export interface UsageDelta {
  promptTokens?: number;
  completionTokens?: number;
  /** Of `promptTokens`, served from the provider's prompt cache. */
  cachedPromptTokens?: number;
  /** Of `completionTokens`, spent reasoning. */
  reasoningTokens?: number;
  costUsd?: number;
  /** A call had no known price: the mission's `costKnown` turns false for good. */
  costUnknown?: boolean;
  plannerSteps?: number;
  actors?: number;
}

/**
 * The only place besides BullMQ that talks to Redis. Every key of a mission lives under
 * `<prefix>{<missionId>}:...` so multi-key operations also work on Redis Cluster.
 */
export interface MissionStore {
  readonly prefix: string;

  // missions
  createMission(input: CreateMissionInput): Promise<{ mission: MissionRecord; event: Event }>;
  getMission(id: string): Promise<MissionRecord | null>;
  /** Newest first; `nextCursor` only when another page exists. */
  listMissions(opts?: ListMissionsOptions): Promise<{ items: MissionRecord[]; nextCursor?: string }>;
  /** Changes the status and appends `mission.status` atomically; returns null when `from` guard fails. */
  setMissionStatus(
    id: string,
    to: MissionStatus,
    opts?: { from?: MissionStatus[]; reason?: string; result?: Mission['result']; error?: Mission['error'] },
  ): Promise<{ mission: MissionRecord; event: Event } | null>;
  /** Atomically adds to the mission's usage counters; `not_found` when the mission does not exist. */
  addUsage(id: string, delta: UsageDelta): Promise<Usage>;
  summarize(record: MissionRecord, graph: TaskGraph): MissionSummary;

  // task graph
  /** Version 0 with no tasks when nothing was written yet. */
  readGraph(missionId: string): Promise<TaskGraph>;
  /** Compare-and-set: writes `graph` with version expectedVersion+1 only if the stored version is expectedVersion; else throws StoreError code `stale_write`. Optionally appends events in the same transaction. */
  writeGraph(missionId: string, expectedVersion: number, graph: TaskGraph, events?: NewEvent[]): Promise<{ version: number; events: Event[] }>;

  // events
  /** Validates the event against its schema (`invalid`) and appends it; `not_found` when the mission does not exist. */
  appendEvent(missionId: string, event: NewEvent): Promise<Event>;
  /** Events with id > after (all when omitted), in id order, at most `limit`. */
  readEvents(missionId: string, opts?: { after?: string; limit?: number }): Promise<Event[]>;
  /**
   * Blocks up to `blockMs` (default 5000; 0 = until an event or the abort) for events after `after` (`$`-like live tail when
   * after is omitted uses the last id). Uses its own connection. Resolves `[]` on timeout, on abort and when the store closes.
   */
  tailEvents(missionId: string, opts: { after?: string; blockMs?: number; limit?: number; signal?: AbortSignal }): Promise<Event[]>;
  lastEventId(missionId: string): Promise<string | null>;

  // planner inbox
  pushInbox(missionId: string, item: InboxItem): Promise<void>;
  /** Removes and returns every item, oldest first. */
  drainInbox(missionId: string): Promise<InboxItem[]>;
  inboxLength(missionId: string): Promise<number>;
  /** Every item, oldest first, without removing any: a planner step drops them in its commit. */
  peekInbox(missionId: string): Promise<InboxItem[]>;

  // the planner step's atomic commit (planner-commits.ts)
  getPlannerState(missionId: string): Promise<PlannerState>;
  /**
   * Writes one planner step at once: the graph (version + 1 when given), its events, the
   * inbox items it consumed, the planner state and the dispatch intents; refused with
   * `lock_lost` when `lease` is no longer the lock's holder and token, `stale_write` when the
   * graph moved on, `conflict` when the mission ended (was cancelled) during the step.
   * Nothing is written when refused.
   */
  commitPlannerStep(missionId: string, commit: PlannerCommit): Promise<{ version: number; events: Event[] }>;
  /** The dispatch intents committed and not yet cleared, oldest first. */
  readIntents(missionId: string): Promise<FactoryJob[]>;
  /** Drops the first `count` intents (enqueued). */
  clearIntents(missionId: string, count: number): Promise<void>;

  // per-task progress
  setProgress(missionId: string, taskId: string, progress: TaskProgress): Promise<void>;
  getProgress(missionId: string): Promise<Record<string, TaskProgress>>;

  // actors, transcripts, artifacts (by reference)
  putActorSpec(spec: ActorSpec): Promise<void>;
  getActorSpec(missionId: string, actorId: string): Promise<ActorSpec | null>;
  appendTranscript(missionId: string, actorId: string, entry: unknown): Promise<number>;
  readTranscript(missionId: string, actorId: string): Promise<unknown[]>;
  putArtifact(missionId: string, input: { name: string; mimeType?: string; content: string }): Promise<ArtifactRef>;
  getArtifact(missionId: string, artifactId: string): Promise<{ ref: ArtifactRef; content: string } | null>;
  /** Small JSON key/value per mission (actor checkpoints, idempotency records). */
  putJson(missionId: string, key: string, value: unknown, opts?: { ttlMs?: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  getJson<T = unknown>(missionId: string, key: string): Promise<T | null>;

  // approvals
  putApproval(approval: Approval): Promise<void>;
  getApproval(approvalId: string): Promise<Approval | null>;
  listApprovals(missionId: string): Promise<Approval[]>;

  // locks with fencing
  /** Lock `name` of a mission (key under the mission hash tag). Null when another holder has it. */
  acquireLock(missionId: string, name: string, holder: string, ttlMs: number): Promise<LockLease | null>;
  /** Extends only if `lease` is still the current holder and token. */
  renewLock(lease: LockLease, ttlMs: number): Promise<LockLease | null>;
  /** Releases only if `lease` is still the current holder and token; false otherwise (expired or taken over). */
  releaseLock(lease: LockLease): Promise<boolean>;

  // global feed: one entry per event appended to any mission (best effort, not atomic with the event)
  /** Entries after `after` (from now when omitted), blocking up to blockMs. Uses its own connection; resolves `[]` on timeout or abort. */
  tailFeed(opts: { after?: string; blockMs?: number; limit?: number; signal?: AbortSignal }): Promise<FeedEntry[]>;

  // live capability registry (actor workers advertise what they serve, with heartbeats)
  /** Registers or refreshes a worker; it disappears when not refreshed within ttlMs. */
  advertiseWorker(worker: WorkerAdvert, ttlMs: number): Promise<void>;
  removeWorker(workerId: string): Promise<void>;
  listWorkers(): Promise<WorkerAdvert[]>;
  /** Bundles served by live workers, merged by name, `workers` = how many serve each. */
  listBundles(): Promise<Bundle[]>;
  /** Every bundle any worker ever advertised (its latest description), `workers` = 0, sorted by name. */
  listKnownBundles(): Promise<KnownBundle[]>;
  /** Records (or replaces) the wait of one task attempt. */
  putCapabilityWait(wait: CapabilityWait): Promise<void>;
  listCapabilityWaits(): Promise<CapabilityWait[]>;
  /** Removes one wait; true only for the caller that removed it (so one factory of many unblocks). */
  removeCapabilityWait(wait: Pick<CapabilityWait, 'missionId' | 'taskId' | 'attempt'>): Promise<boolean>;

  /**
   * Ids of the missions in one status, newest first, read from the status index (no record is
   * loaded): what the reaper needs. `nextCursor` only when another page exists.
   */
  listMissionIds(opts: { status: MissionStatus; limit?: number; cursor?: string }): Promise<{ ids: string[]; nextCursor?: string }>;

  // retention: a finished mission expires after `retentionMs` with every key it owns
  /** How long a finished mission is kept (ms). */
  readonly retentionMs: number;
  /**
   * Registers keys of another component (they must carry the mission's hash tag `{missionId}`)
   * as owned by the mission: they get the mission's TTL when it finishes, or at once when it
   * has finished already. The travel world registers its keys this way.
   */
  ownKeys(missionId: string, keys: string[]): Promise<void>;
  /**
   * Removes from every listing index the finished missions whose retention ended before `now`
   * (their keys expired by TTL); at most a batch per call. Returns their ids. Run it periodically.
   */
  sweepExpired(now?: number): Promise<string[]>;
  /**
   * Once per store: puts missions created before the per-owner and per-status indexes existed
   * into them (O(all missions), run in the background at start). Returns how many were indexed.
   */
  backfillIndexes(): Promise<number>;
  /** Deletes every key of the mission (and the keys it owns) now. */
  deleteMission(id: string): Promise<void>;
  close(): Promise<void>;
}

import type {
  ActorSpec,
  Approval,
  ArtifactRef,
  Bundle,
  Event,
  FactoryJob,
  InboxItem,
  MissionStatus,
  MissionSummary,
  NewEvent,
  TaskGraph,
  TaskProgress,
  Usage,
} from '@aime/protocol';
import type { ActorLease, ApprovalDecision, PendingStep, ReportedMarker, StallEntry } from './record-schemas.ts';
import type {
  CapabilityWait,
  CreateMissionInput,
  FeedEntry,
  KnownBundle,
  ListMissionsOptions,
  LockLease,
  MissionRecord,
  PlannerCommit,
  PlannerState,
  SetStatusOptions,
  UsageDelta,
  WorkerAdvert,
} from './types.ts';

/*
 * The store's methods in groups by what they touch, and the role of each consumer (planner,
 * actor, factory, API, registry) as the narrow set it uses. `MissionStore` is all of them: the
 * Redis store implements it; the in-memory store (./memory-store.ts) implements the planner's
 * role, and one contract suite runs against both.
 */

/** Mission records: creation, status, usage, listings. */
export interface MissionAccess {
  createMission(input: CreateMissionInput): Promise<{ mission: MissionRecord; event: Event }>;
  getMission(id: string): Promise<MissionRecord | null>;
  /** Newest first; `nextCursor` only when another page exists. */
  listMissions(opts?: ListMissionsOptions): Promise<{ items: MissionRecord[]; nextCursor?: string }>;
  /**
   * Ids of the missions in one status, newest first, read from the status index (no record is
   * loaded): what the reaper needs. `nextCursor` only when another page exists.
   */
  listMissionIds(opts: { status: MissionStatus; limit?: number; cursor?: string }): Promise<{ ids: string[]; nextCursor?: string }>;
  /** Missions per status (and in all), for one owner or everyone, from the listing indexes. Optional: the in-memory store has no indexes. */
  countMissions?(opts?: { owner?: string }): Promise<{ total: number; byStatus: Record<string, number> }>;
  /** Changes the status and appends `mission.status` atomically; returns null when `from` guard fails. */
  setMissionStatus(id: string, to: MissionStatus, opts?: SetStatusOptions): Promise<{ mission: MissionRecord; event: Event } | null>;
  /** Atomically adds to the mission's usage counters; `not_found` when the mission does not exist. */
  addUsage(id: string, delta: UsageDelta): Promise<Usage>;
  summarize(record: MissionRecord, graph: TaskGraph): MissionSummary;
}

/** The task graph. */
export interface GraphAccess {
  /** Version 0 with no tasks when nothing was written yet. */
  readGraph(missionId: string): Promise<TaskGraph>;
  /** Compare-and-set: writes `graph` with version expectedVersion+1 only if the stored version is expectedVersion; else throws StoreError code `stale_write`. Optionally appends events in the same transaction. */
  writeGraph(missionId: string, expectedVersion: number, graph: TaskGraph, events?: NewEvent[]): Promise<{ version: number; events: Event[] }>;
}

/** The mission's event stream and the global feed. */
export interface EventAccess {
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
  /** Global feed entries after `after` (from now when omitted), blocking up to blockMs. Best effort, not atomic with the event. */
  tailFeed(opts: { after?: string; blockMs?: number; limit?: number; signal?: AbortSignal }): Promise<FeedEntry[]>;
}

/** The planner inbox. */
export interface InboxAccess {
  pushInbox(missionId: string, item: InboxItem): Promise<void>;
  /** Removes and returns every item, oldest first. */
  drainInbox(missionId: string): Promise<InboxItem[]>;
  inboxLength(missionId: string): Promise<number>;
  /** Every item, oldest first, without removing any: a planner step drops them in its commit. */
  peekInbox(missionId: string): Promise<InboxItem[]>;
}

/** The planner step's atomic commit and what it carries between steps. */
export interface PlannerCommitAccess {
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
}

/** The planner's own named records. */
export interface PlannerRecordAccess {
  /** The last planner steps as stall detection saw them, oldest first; [] when none. */
  getStallHistory(missionId: string): Promise<StallEntry[]>;
  putStallHistory(missionId: string, history: StallEntry[]): Promise<void>;
  /**
   * Appends `mission.finished` once per mission: its write-once marker and the event are one
   * atomic step. Returns the event, or null when the mission was announced finished before.
   */
  announceMissionFinished(missionId: string, data: { status: 'succeeded' | 'failed' | 'cancelled'; answer?: string; artifacts: ArtifactRef[]; error?: { code: string; message: string } }): Promise<Event | null>;
  /** How often the reconciler repaired the lost work of an actor (0 when never). */
  getRepairCount(missionId: string, actorId: string): Promise<number>;
  setRepairCount(missionId: string, actorId: string, count: number): Promise<void>;
}

/** Per-task progress, actor specs, transcripts, artifacts and the actors' named records. */
export interface ActorRecordAccess {
  setProgress(missionId: string, taskId: string, progress: TaskProgress): Promise<void>;
  getProgress(missionId: string): Promise<Record<string, TaskProgress>>;
  putActorSpec(spec: ActorSpec): Promise<void>;
  getActorSpec(missionId: string, actorId: string): Promise<ActorSpec | null>;
  appendTranscript(missionId: string, actorId: string, entry: unknown): Promise<number>;
  readTranscript(missionId: string, actorId: string): Promise<unknown[]>;
  putArtifact(missionId: string, input: { name: string; mimeType?: string; content: string }): Promise<ArtifactRef>;
  getArtifact(missionId: string, artifactId: string): Promise<{ ref: ArtifactRef; content: string } | null>;
  /** The actor's checkpoint of the step it works on (model answer and the calls done so far). */
  putPendingStep(missionId: string, actorId: string, step: PendingStep): Promise<void>;
  getPendingStep(missionId: string, actorId: string): Promise<PendingStep | null>;
  /** Marks the actor's report as handed in (a retried job must not report twice). */
  markReported(missionId: string, actorId: string, marker: ReportedMarker): Promise<void>;
  isReported(missionId: string, actorId: string): Promise<boolean>;
  /** Records the actor queue the factory routed an actor to (where a resumed actor goes when no live worker takes it). */
  recordActorQueue(missionId: string, actorId: string, queue: string): Promise<void>;
  getActorQueue(missionId: string, actorId: string): Promise<string | null>;
  /** Writes (or renews) the heartbeat lease of a running actor. */
  putActorLease(missionId: string, actorId: string, lease: ActorLease): Promise<void>;
  getActorLease(missionId: string, actorId: string): Promise<ActorLease | null>;
}

/** Approvals of risky tool calls. */
export interface ApprovalAccess {
  putApproval(approval: Approval): Promise<void>;
  getApproval(approvalId: string): Promise<Approval | null>;
  /** Oldest request first. */
  listApprovals(missionId: string): Promise<Approval[]>;
  /**
   * Appends `approval.requested` for a stored approval once: the write-once marker and the event
   * are one atomic step. Returns the event, or null when it was announced before.
   */
  announceApprovalRequest(approval: Approval): Promise<Event | null>;
  /**
   * Decides a pending approval once, all or nothing in one atomic step: the write-once decision
   * marker, the resolved approval record and `approval.resolved`. Returns null when a decision
   * was claimed before or the record is no longer pending; `not_found` when the mission or the
   * approval does not exist.
   */
  claimApprovalDecision(approval: Pick<Approval, 'id' | 'missionId'>, decision: ApprovalDecision): Promise<{ approval: Approval; event: Event } | null>;
  /** The claimed decision on an approval, or null. */
  getApprovalDecision(missionId: string, approvalId: string): Promise<ApprovalDecision | null>;
}

/** Usage bookkeeping besides the counters (`addUsage`). */
export interface UsageAccess {
  /** Appends the unknown-price `warning` once per mission (marker and event in one atomic step); null when warned before. */
  warnUnknownPrice(missionId: string, model: string, warning: NewEvent): Promise<Event | null>;
}

/** Locks of a mission with fencing tokens. */
export interface LockAccess {
  /** Lock `name` of a mission (key under the mission hash tag). Null when another holder has it. */
  acquireLock(missionId: string, name: string, holder: string, ttlMs: number): Promise<LockLease | null>;
  /** Extends only if `lease` is still the current holder and token. */
  renewLock(lease: LockLease, ttlMs: number): Promise<LockLease | null>;
  /** Releases only if `lease` is still the current holder and token; false otherwise (expired or taken over). */
  releaseLock(lease: LockLease): Promise<boolean>;
}

/** The live capability registry: actor workers advertise what they serve, with heartbeats. */
export interface RegistryStore {
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
}

/** Retention: a finished mission expires after `retentionMs` with every key it owns. */
export interface RetentionAccess {
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
   * into them; on every call: puts back missions whose index write was lost to a crash (SCAN of
   * the records, O(all keys), run in the background at start). Returns how many were indexed.
   */
  backfillIndexes(): Promise<number>;
  /** Deletes every key of the mission (and the keys it owns) now. */
  deleteMission(id: string): Promise<void>;
}

/**
 * What one planner step reads and writes (services/commander planner/step.ts with its inbox
 * digest, approvals and planner model bookkeeping): implemented in memory too.
 */
export interface PlannerStore
  extends Pick<MissionAccess, 'getMission' | 'setMissionStatus' | 'addUsage'>,
    GraphAccess,
    Pick<EventAccess, 'appendEvent' | 'readEvents'>,
    InboxAccess,
    PlannerCommitAccess,
    Pick<PlannerRecordAccess, 'getStallHistory' | 'putStallHistory' | 'announceMissionFinished'>,
    Pick<ApprovalAccess, 'getApproval' | 'listApprovals' | 'claimApprovalDecision'>,
    LockAccess {}

/** What an actor's ReAct loop reads and writes (services/actors: the loop, approvals, reports, leases). */
export interface ActorStore
  extends Pick<MissionAccess, 'getMission' | 'setMissionStatus' | 'addUsage'>,
    Pick<GraphAccess, 'readGraph'>,
    Pick<EventAccess, 'appendEvent' | 'readEvents'>,
    Pick<InboxAccess, 'pushInbox'>,
    Omit<ActorRecordAccess, 'putActorSpec' | 'recordActorQueue' | 'getActorQueue'>,
    Pick<ApprovalAccess, 'getApproval' | 'putApproval' | 'announceApprovalRequest'>,
    UsageAccess {}

/** What the Actor Factory reads and writes, the registry included. */
export interface FactoryStore
  extends Pick<MissionAccess, 'getMission' | 'addUsage'>,
    Pick<GraphAccess, 'readGraph'>,
    Pick<EventAccess, 'appendEvent'>,
    Pick<InboxAccess, 'pushInbox'>,
    Pick<ActorRecordAccess, 'putActorSpec' | 'getActorSpec' | 'recordActorQueue' | 'isReported' | 'markReported'>,
    UsageAccess,
    RegistryStore {}

/** What the HTTP API and the socket.io gateway read and write. */
export interface ApiStore
  extends Omit<MissionAccess, 'listMissionIds' | 'addUsage'>,
    Pick<GraphAccess, 'readGraph'>,
    EventAccess,
    Pick<InboxAccess, 'pushInbox'>,
    Pick<ActorRecordAccess, 'getProgress' | 'getArtifact' | 'readTranscript' | 'getActorLease'>,
    Pick<ApprovalAccess, 'getApproval' | 'listApprovals' | 'claimApprovalDecision'>,
    Pick<RegistryStore, 'listWorkers' | 'listBundles' | 'listKnownBundles'> {
  readonly prefix: string;
}

/**
 * The only place besides BullMQ that talks to Redis: every role above. Every key of a mission
 * lives under `<prefix>{<missionId>}:...` so multi-key operations also work on Redis Cluster.
 */
export interface MissionStore
  extends MissionAccess,
    GraphAccess,
    EventAccess,
    InboxAccess,
    PlannerCommitAccess,
    PlannerRecordAccess,
    ActorRecordAccess,
    ApprovalAccess,
    UsageAccess,
    LockAccess,
    RegistryStore,
    RetentionAccess {
  readonly prefix: string;
  close(): Promise<void>;
}

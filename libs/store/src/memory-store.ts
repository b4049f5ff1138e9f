import { Approval, FactoryJob, InboxItem, isTerminalMissionStatus, parseEvent, TaskGraph } from '@aime/protocol';
import type { ArtifactRef, Event, MissionStatus, NewEvent, Usage } from '@aime/protocol';
import { byRequestTime } from './approval-records.ts';
import { assertStreamId, encodeNewEvent } from './codec.ts';
import { StoreError } from './errors.ts';
import { StoreKeys } from './keys.ts';
import { createdEventData, newMissionRecord, statusChangePossible, statusEvent } from './mission-lifecycle.ts';
import { ApprovalDecision, encodeRecord, PlannerStateRecord, resolveApproval, StallHistory, type StallEntry } from './record-schemas.ts';
import type { ApprovalAccess, MissionAccess, PlannerStore } from './roles.ts';
import type { CreateMissionInput, LockLease, MissionRecord, PlannerCommit, PlannerState, SetStatusOptions, UsageDelta } from './types.ts';
import { assertId, assertPositiveInt, assertUsageDelta, assertVersion, invalid } from './validate.ts';

/** What the in-memory store offers besides the planner's role: enough to set up a planner test. */
export type MemoryPlannerStore = PlannerStore & Pick<MissionAccess, 'createMission'> & Pick<ApprovalAccess, 'putApproval' | 'getApprovalDecision'>;

interface MissionState {
  record: MissionRecord;
  graph: TaskGraph;
  events: Event[];
  inbox: InboxItem[];
  intents: FactoryJob[];
  plannerState: PlannerState | null;
  stallHistory: StallEntry[] | null;
  finished: boolean;
  approvals: Map<string, Approval>;
  decisions: Map<string, ApprovalDecision>;
}

interface HeldLock {
  holder: string;
  token: number;
  expiresAt: number;
}

const notFound = (missionId: string): StoreError => new StoreError('not_found', `mission ${missionId} not found`, { missionId });
const copy = <T>(value: T): T => structuredClone(value);

/** Stream ids compare by milliseconds, then sequence. */
function streamIdAfter(id: string, after: string): boolean {
  const [ms, seq] = id.split('-').map(Number) as [number, number];
  const [ams, aseq] = after.split('-').map(Number) as [number, number];
  return ms > ams || (ms === ams && seq > aseq);
}

/**
 * The planner's role of the mission store, in memory, for tests of planner orchestration that
 * need no Redis. It keeps the Redis store's semantics (validation and error codes, compare-and-set
 * of the graph, lock fencing, the all-or-nothing planner commit, write-once markers, the atomic
 * approval claim); libs/store/test/planner-store-contract.test.ts runs one suite against both so
 * they cannot drift. Every value is copied in and out, as a round trip through Redis would.
 */
export class MemoryMissionStore implements MemoryPlannerStore {
  readonly prefix: string;
  private readonly keys: StoreKeys;
  private readonly missions = new Map<string, MissionState>();
  private readonly locks = new Map<string, HeldLock>();
  private readonly fences = new Map<string, number>();
  private lastMs = 0;
  private seq = 0;

  constructor(opts: { prefix?: string; now?: () => number } = {}) {
    this.prefix = opts.prefix ?? 'memory:';
    this.keys = new StoreKeys(this.prefix);
    if (opts.now) this.now = opts.now;
  }

  private now: () => number = Date.now;

  // ---- missions ----

  async createMission(input: CreateMissionInput): Promise<{ mission: MissionRecord; event: Event }> {
    const mission = newMissionRecord(input, new Date(this.now()));
    if (this.missions.has(mission.id)) throw new StoreError('conflict', `mission ${mission.id} exists already`, { missionId: mission.id });
    const { stored } = encodeNewEvent(mission.id, { type: 'mission.created', data: createdEventData(mission) }, mission.createdAt);
    const state: MissionState = {
      record: mission,
      graph: { version: 0, tasks: [] },
      events: [],
      inbox: [],
      intents: [],
      plannerState: null,
      stallHistory: null,
      finished: false,
      approvals: new Map(),
      decisions: new Map(),
    };
    this.missions.set(mission.id, state);
    const event = this.push(state, stored);
    state.inbox.push({ kind: 'created', eventId: event.id });
    return { mission: copy(mission), event: copy(event) };
  }

  async getMission(id: string): Promise<MissionRecord | null> {
    const m = this.missions.get(id);
    return m ? copy(m.record) : null;
  }

  async setMissionStatus(id: string, to: MissionStatus, opts: SetStatusOptions = {}): Promise<{ mission: MissionRecord; event: Event } | null> {
    if (!statusChangePossible(to, opts)) return null;
    const m = this.missions.get(id);
    if (!m) return null;
    const from = m.record.status;
    if (opts.from && !opts.from.includes(from)) return null;
    const { stored } = encodeNewEvent(id, statusEvent(from, to, opts.reason));
    m.record.status = to;
    m.record.updatedAt = stored.ts;
    if (opts.result) m.record.result = copy(opts.result);
    if (opts.error) m.record.error = copy(opts.error);
    const event = this.push(m, stored);
    return { mission: copy(m.record), event: copy(event) };
  }

  async addUsage(id: string, delta: UsageDelta): Promise<Usage> {
    assertUsageDelta(delta);
    const u = this.mission(id).record.usage;
    u.promptTokens += delta.promptTokens ?? 0;
    u.completionTokens += delta.completionTokens ?? 0;
    u.cachedPromptTokens += delta.cachedPromptTokens ?? 0;
    u.reasoningTokens += delta.reasoningTokens ?? 0;
    u.costUsd += delta.costUsd ?? 0;
    u.plannerSteps += delta.plannerSteps ?? 0;
    u.actors += delta.actors ?? 0;
    if (delta.costUnknown) u.costKnown = false;
    return copy(u);
  }

  // ---- graph and events ----

  async readGraph(missionId: string): Promise<TaskGraph> {
    return copy(this.missions.get(missionId)?.graph ?? { version: 0, tasks: [] });
  }

  async writeGraph(missionId: string, expectedVersion: number, graph: TaskGraph, events: NewEvent[] = []): Promise<{ version: number; events: Event[] }> {
    assertVersion(expectedVersion);
    const next = this.validGraph(graph, expectedVersion + 1);
    const encoded = events.map((e) => encodeNewEvent(missionId, e).stored);
    const m = this.mission(missionId);
    this.checkVersion(m, missionId, expectedVersion);
    m.graph = next;
    return { version: next.version, events: encoded.map((e) => copy(this.push(m, e))) };
  }

  async appendEvent(missionId: string, event: NewEvent): Promise<Event> {
    const { stored } = encodeNewEvent(missionId, event);
    return copy(this.push(this.mission(missionId), stored));
  }

  async readEvents(missionId: string, opts: { after?: string; limit?: number } = {}): Promise<Event[]> {
    if (opts.after !== undefined) assertStreamId(opts.after, 'after');
    if (opts.limit !== undefined) assertPositiveInt(opts.limit, 'limit');
    const events = (this.missions.get(missionId)?.events ?? []).filter((e) => opts.after === undefined || streamIdAfter(e.id, opts.after));
    return copy(opts.limit !== undefined ? events.slice(0, opts.limit) : events);
  }

  // ---- inbox ----

  async pushInbox(missionId: string, item: InboxItem): Promise<void> {
    const parsed = InboxItem.safeParse(item);
    if (!parsed.success) throw invalid(`inbox item is invalid: ${parsed.error.message}`);
    this.mission(missionId).inbox.push(parsed.data);
  }

  async drainInbox(missionId: string): Promise<InboxItem[]> {
    const m = this.missions.get(missionId);
    if (!m) return [];
    return m.inbox.splice(0, m.inbox.length);
  }

  async inboxLength(missionId: string): Promise<number> {
    return this.missions.get(missionId)?.inbox.length ?? 0;
  }

  async peekInbox(missionId: string): Promise<InboxItem[]> {
    return copy(this.missions.get(missionId)?.inbox ?? []);
  }

  // ---- the planner step's commit ----

  async getPlannerState(missionId: string): Promise<PlannerState> {
    return copy(this.missions.get(missionId)?.plannerState ?? { news: [], badSteps: 0 });
  }

  async commitPlannerStep(missionId: string, c: PlannerCommit): Promise<{ version: number; events: Event[] }> {
    // Validated in the Redis store's order, before anything is written.
    const graph = c.graph ? this.validGraph(c.graph, c.expectedVersion + 1) : undefined;
    const intents = c.intents.map((j) => {
      const parsed = FactoryJob.safeParse(j);
      if (!parsed.success) throw invalid(`dispatch intent is invalid: ${parsed.error.message}`);
      return parsed.data;
    });
    const encoded = c.events.map((e) => encodeNewEvent(missionId, e).stored);
    const state = JSON.parse(encodeRecord(PlannerStateRecord, c.state, 'planner state')) as PlannerState;
    const m = this.mission(missionId);
    const held = this.held(missionId, c.lease.name);
    if (!held || held.holder !== c.lease.holder || held.token !== c.lease.token) {
      throw new StoreError('lock_lost', `the planner lock of ${missionId} is no longer held by ${c.lease.holder} (token ${c.lease.token}): nothing was written`, { missionId });
    }
    const status = m.record.status;
    if (isTerminalMissionStatus(status)) throw new StoreError('conflict', `mission ${missionId} ended (${status}) during the planner step: nothing of the step was written`, { missionId, status });
    this.checkVersion(m, missionId, c.expectedVersion);
    if (graph) m.graph = graph;
    m.inbox.splice(0, c.consumedInbox);
    m.plannerState = state;
    m.intents.push(...intents);
    return { version: m.graph.version, events: encoded.map((e) => copy(this.push(m, e))) };
  }

  async readIntents(missionId: string): Promise<FactoryJob[]> {
    return copy(this.missions.get(missionId)?.intents ?? []);
  }

  async clearIntents(missionId: string, count: number): Promise<void> {
    if (count > 0) this.missions.get(missionId)?.intents.splice(0, count);
  }

  // ---- the planner's named records ----

  async getStallHistory(missionId: string): Promise<StallEntry[]> {
    return copy(this.missions.get(missionId)?.stallHistory ?? []);
  }

  async putStallHistory(missionId: string, history: StallEntry[]): Promise<void> {
    encodeRecord(StallHistory, history, 'stall history');
    const m = this.missions.get(missionId);
    // Like a key written under a mission that does not exist (any more): kept, read by nobody.
    if (m) m.stallHistory = copy(history);
  }

  async announceMissionFinished(
    missionId: string,
    data: { status: 'succeeded' | 'failed' | 'cancelled'; answer?: string; artifacts: ArtifactRef[]; error?: { code: string; message: string } },
  ): Promise<Event | null> {
    const { stored } = encodeNewEvent(missionId, { type: 'mission.finished', data });
    const m = this.mission(missionId);
    if (m.finished) return null;
    m.finished = true;
    return copy(this.push(m, stored));
  }

  // ---- approvals ----

  async putApproval(approval: Approval): Promise<void> {
    const parsed = Approval.safeParse(approval);
    if (!parsed.success) throw invalid(`approval is invalid: ${parsed.error.message}`);
    const m = this.missions.get(parsed.data.missionId);
    if (m) m.approvals.set(parsed.data.id, parsed.data);
  }

  async getApproval(approvalId: string): Promise<Approval | null> {
    for (const m of this.missions.values()) {
      const a = m.approvals.get(approvalId);
      if (a) return copy(a);
    }
    return null;
  }

  async listApprovals(missionId: string): Promise<Approval[]> {
    return copy([...(this.missions.get(missionId)?.approvals.values() ?? [])].sort(byRequestTime));
  }

  async claimApprovalDecision(approval: Pick<Approval, 'id' | 'missionId'>, decision: ApprovalDecision): Promise<{ approval: Approval; event: Event } | null> {
    const { missionId, id } = approval;
    assertId(missionId, 'missionId');
    assertId(id, 'approval id');
    const full = JSON.parse(encodeRecord(ApprovalDecision, { ...decision, resolvedAt: decision.resolvedAt ?? new Date(this.now()).toISOString() }, 'approval decision')) as ApprovalDecision;
    const m = this.missions.get(missionId);
    const stored = m?.approvals.get(id);
    if (!m || !stored) throw new StoreError('not_found', `approval ${id} of mission ${missionId} not found`, { missionId, approvalId: id });
    if (stored.status !== 'pending' || m.decisions.has(id)) return null;
    const resolved = resolveApproval(stored, full);
    const { stored: ev } = encodeNewEvent(missionId, { type: 'approval.resolved', taskId: stored.taskId, actorId: stored.actorId, data: { approval: resolved } });
    m.decisions.set(id, full);
    m.approvals.set(id, resolved);
    return { approval: copy(resolved), event: copy(this.push(m, ev)) };
  }

  async getApprovalDecision(missionId: string, approvalId: string): Promise<ApprovalDecision | null> {
    return copy(this.missions.get(missionId)?.decisions.get(approvalId) ?? null);
  }

  // ---- locks with fencing ----

  async acquireLock(missionId: string, name: string, holder: string, ttlMs: number): Promise<LockLease | null> {
    if (name === '' || holder === '') throw invalid('lock name and holder must not be empty');
    assertPositiveInt(ttlMs, 'ttlMs');
    if (this.held(missionId, name)) return null;
    const at = `${missionId}/${name}`;
    const token = (this.fences.get(at) ?? 0) + 1;
    this.fences.set(at, token);
    const expiresAt = this.now() + ttlMs;
    this.locks.set(at, { holder, token, expiresAt });
    return { missionId, name, key: this.keys.lock(missionId, name), holder, token, expiresAt };
  }

  async renewLock(lease: LockLease, ttlMs: number): Promise<LockLease | null> {
    assertPositiveInt(ttlMs, 'ttlMs');
    const held = this.held(lease.missionId, lease.name);
    if (!held || held.holder !== lease.holder || held.token !== lease.token) return null;
    held.expiresAt = this.now() + ttlMs;
    return { ...lease, expiresAt: held.expiresAt };
  }

  async releaseLock(lease: LockLease): Promise<boolean> {
    const held = this.held(lease.missionId, lease.name);
    if (!held || held.holder !== lease.holder || held.token !== lease.token) return false;
    this.locks.delete(`${lease.missionId}/${lease.name}`);
    return true;
  }

  // ---- internals ----

  private mission(missionId: string): MissionState {
    const m = this.missions.get(missionId);
    if (!m) throw notFound(missionId);
    return m;
  }

  /** The lock as held now; an expired one is gone, as a key past its TTL. */
  private held(missionId: string, name: string): HeldLock | undefined {
    const at = `${missionId}/${name}`;
    const held = this.locks.get(at);
    if (held && held.expiresAt <= this.now()) this.locks.delete(at);
    return this.locks.get(at);
  }

  private validGraph(graph: TaskGraph, version: number): TaskGraph {
    const parsed = TaskGraph.safeParse({ ...graph, version });
    if (!parsed.success) throw invalid(`graph is invalid: ${parsed.error.message}`);
    return parsed.data;
  }

  private checkVersion(m: MissionState, missionId: string, expected: number): void {
    const actual = m.graph.version;
    if (actual !== expected) throw new StoreError('stale_write', `graph of ${missionId} is at version ${actual}, expected ${expected}`, { expected, actual });
  }

  /** Appends an event with the next stream-like id (`<ms>-<seq>`, increasing). */
  private push(m: MissionState, stored: Omit<Event, 'id'>): Event {
    const ms = this.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.seq = 0;
    } else this.seq += 1;
    const event = parseEvent({ ...stored, id: `${this.lastMs}-${this.seq}` });
    m.events.push(event);
    return event;
  }
}

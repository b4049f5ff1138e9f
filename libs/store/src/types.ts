import type { MissionSource } from '@aime/core/views';
import type { Bundle, FactoryJob, MissionStatus, ModelInfo, NewEvent, ResolvedBudget, TaskGraph } from '@aime/protocol';

/**
 * The stored mission record: everything of `Mission` but the graph-derived fields, i.e. what
 * @aime/core's views make the API `Mission` and `MissionSummary` of, plus the owner.
 */
export interface MissionRecord extends MissionSource {
  /** Who submitted it (API key principal); callers see only their own missions. */
  owner?: string;
}

/** How a status change is made: `from` lists the current statuses it may change (an empty list: none). */
export interface SetStatusOptions {
  from?: MissionStatus[];
  reason?: string;
  result?: MissionRecord['result'];
  error?: MissionRecord['error'];
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
  /** For operators (`GET /v1/system`): where it runs, how many jobs it runs at once and ran at its last beat. */
  host?: string;
  pid?: number;
  concurrency?: number;
  busy?: number;
  /** Its last heartbeat (ISO time). */
  beatAt?: string;
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

/*
 * Redis key layout of the mission store. `P` is the store prefix (default `aime:`).
 *
 * Per mission — every key under the hash tag `{<missionId>}` so that Lua scripts and
 * MULTI blocks touching several keys of one mission also run on Redis Cluster:
 *
 *   P{id}:mission              hash   base (JSON of the fields that never change), status,
 *                                     updatedAt, result (JSON), error (JSON)
 *   P{id}:usage                hash   promptTokens, completionTokens, costUsd, plannerSteps,
 *                                     actors (HINCRBY / HINCRBYFLOAT, so no increment is lost)
 *   P{id}:graph                hash   version, json (the whole TaskGraph)
 *   P{id}:events               stream one entry per event, field `e` = event JSON without id;
 *                                     the stream id IS the event id
 *   P{id}:inbox                list   planner inbox, InboxItem JSON, oldest first
 *   P{id}:intents              list   FactoryJob JSON the last planner step committed, until enqueued
 *   P{id}:progress             hash   taskId -> TaskProgress JSON
 *   P{id}:actors               hash   actorId -> ActorSpec JSON
 *   P{id}:transcript:<actorId> list   one JSON entry per step
 *   P{id}:artifact:<artId>     hash   ref (ArtifactRef JSON), content
 *   P{id}:kv:<name>            string one small named JSON record each (schemas: ./record-schemas.ts):
 *     kv:planner:state                 PlannerState (news kept for the next step, bad steps)
 *     kv:planner:history               StallHistory (the last planner steps, for stall detection)
 *     kv:finished                      FinishedMarker, write-once with `mission.finished`
 *     kv:warned:unknown-price          UnknownPriceMarker, write-once with its `warning` event
 *     kv:actor:<actorId>:pending       PendingStep, the actor's checkpoint of the step it works on
 *     kv:actor:<actorId>:reported      ReportedMarker, set when the actor handed in its report
 *     kv:actor:<actorId>:queue         ActorQueueRecord, the queue the factory routed the actor to
 *     kv:actor:<actorId>:lease         ActorLease, the heartbeat of the worker running the actor
 *     kv:approval:<apId>:requested     ApprovalRequestedMarker, write-once with `approval.requested`
 *     kv:approval-decision:<apId>      ApprovalDecision, write-once with the decided record and
 *                                      `approval.resolved` (one script)
 *     kv:reconcile:<actorId>:repairs   RepairCount, the reconciler's repairs of the actor's work
 *   P{id}:approvals            hash   approvalId -> Approval JSON
 *   P{id}:lock:<name>          string `<holder>:<token>` with PX ttl
 *   P{id}:lock:<name>:fence    string fencing counter, INCR on every acquisition
 *   P{id}:owned                set    every key of the mission that is not fixed above (transcripts,
 *                                     artifacts, kv, fences) plus keys of other components in the same
 *                                     hash tag (the travel world's `P` + `travel:{id}:…`). When the mission
 *                                     finishes, the status script gives every fixed key and every member
 *                                     the retention TTL; a key registered later inherits the set's TTL.
 *
 * Global — indexes only, never the source of truth of a mission. On a Redis Cluster (a store
 * opened on an ioredis `Cluster`) each group of them gets a hash tag of its own, so that every
 * MULTI and pipeline over global keys stays within one slot while the groups spread over nodes:
 * `P{index}:` the listing indexes, finished missions and the approval index (written together
 * when a mission finishes or is swept), `P{feed}:` the feed, `P{registry}:` workers, bundles and
 * capability waits, `P{active}:` the per-owner reservations (./active-missions.ts). On a single
 * Redis the names below are unchanged, so data of earlier versions still reads. A mission's own
 * atomic step never touches them: they are written after it and repaired by readers, the
 * reconciler and the retention sweep (a write lost to a crash in between costs a stale entry).
 *
 *
 *   Pmissions                  zset   missionId scored by createdAt (ms); listing
 *   Pmissions:o:<owner>        zset   the same, one per owner (owner base64url-encoded)
 *   Pmissions:s:<status>       zset   the same, one per status
 *   Pmissions:o:<owner>:s:<st> zset   the same, per owner and status
 *   Pfinished                  zset   finished missionId scored by when its retention ends (ms)
 *   Pfinished:meta             hash   missionId -> {owner, approvals} needed to clean indexes
 *   Pindexes:version           string '1' once older missions were backfilled into the indexes
 *   Papprovals:index           hash   approvalId -> missionId
 *   Pfeed                      stream {missionId, eventId, type} per event, MAXLEN ~ 10000
 *   Pworkers                   zset   workerId scored by advert expiry (ms)
 *   Pworker:<workerId>         string WorkerAdvert JSON with PX ttl (authoritative liveness)
 *   Pbundles:known             hash   bundle name -> KnownBundle JSON (every bundle ever advertised)
 *   Pcapability:waiting        hash   `<missionId>/<taskId>/<attempt>` -> CapabilityWait JSON
 */

/** The groups of global keys that get a hash tag of their own on a Redis Cluster. */
export type GlobalGroup = 'index' | 'feed' | 'registry' | 'active';

/** Builds every key the store uses; see the layout above. */
export class StoreKeys {
  /**
   * @param prefix put before every key; must not contain braces
   * @param opts.cluster tag the global keys per group (see the layout above) @default false
   */
  constructor(
    readonly prefix: string,
    readonly opts: { cluster?: boolean } = {},
  ) {}

  /** Where the global keys of `group` start: `P` on a single Redis, `P{<group>}:` on a Cluster. */
  global(group: GlobalGroup): string {
    return this.opts.cluster ? `${this.prefix}{${group}}:` : this.prefix;
  }

  /** The common start of every key of one mission, hash tag included. */
  mission(id: string): string {
    return `${this.prefix}{${id}}:`;
  }
  record(id: string): string {
    return `${this.mission(id)}mission`;
  }
  usage(id: string): string {
    return `${this.mission(id)}usage`;
  }
  graph(id: string): string {
    return `${this.mission(id)}graph`;
  }
  events(id: string): string {
    return `${this.mission(id)}events`;
  }
  inbox(id: string): string {
    return `${this.mission(id)}inbox`;
  }
  /** The planner's dispatch intents: factory jobs committed with a step, enqueued after it. */
  intents(id: string): string {
    return `${this.mission(id)}intents`;
  }
  progress(id: string): string {
    return `${this.mission(id)}progress`;
  }
  actors(id: string): string {
    return `${this.mission(id)}actors`;
  }
  transcript(id: string, actorId: string): string {
    return `${this.mission(id)}transcript:${actorId}`;
  }
  artifact(id: string, artifactId: string): string {
    return `${this.mission(id)}artifact:${artifactId}`;
  }
  plannerState(id: string): string {
    return this.kv(id, 'planner:state');
  }
  stallHistory(id: string): string {
    return this.kv(id, 'planner:history');
  }
  finishedMarker(id: string): string {
    return this.kv(id, 'finished');
  }
  unknownPriceMarker(id: string): string {
    return this.kv(id, 'warned:unknown-price');
  }
  pendingStep(id: string, actorId: string): string {
    return this.kv(id, `actor:${actorId}:pending`);
  }
  reported(id: string, actorId: string): string {
    return this.kv(id, `actor:${actorId}:reported`);
  }
  actorQueue(id: string, actorId: string): string {
    return this.kv(id, `actor:${actorId}:queue`);
  }
  actorLease(id: string, actorId: string): string {
    return this.kv(id, `actor:${actorId}:lease`);
  }
  approvalRequested(id: string, approvalId: string): string {
    return this.kv(id, `approval:${approvalId}:requested`);
  }
  approvalDecision(id: string, approvalId: string): string {
    return this.kv(id, `approval-decision:${approvalId}`);
  }
  repairs(id: string, actorId: string): string {
    return this.kv(id, `reconcile:${actorId}:repairs`);
  }
  approvals(id: string): string {
    return `${this.mission(id)}approvals`;
  }
  lock(id: string, name: string): string {
    return `${this.mission(id)}lock:${name}`;
  }
  fence(id: string, name: string): string {
    return `${this.lock(id, name)}:fence`;
  }
  owned(id: string): string {
    return `${this.mission(id)}owned`;
  }
  /** A named record (the `kv:` part is kept from the layout of earlier versions, so their data still reads). */
  private kv(id: string, name: string): string {
    return `${this.mission(id)}kv:${name}`;
  }
  /** The keys every mission has (some only once written); the rest are members of `owned`. */
  fixed(id: string): string[] {
    return [this.record(id), this.usage(id), this.graph(id), this.events(id), this.inbox(id), this.progress(id), this.actors(id), this.approvals(id)];
  }

  get missions(): string {
    return `${this.global('index')}missions`;
  }
  /** The listing index for these filters: all, per owner, per status, or per owner and status. */
  missionIndex(filter: { owner?: string | undefined; status?: string | undefined } = {}): string {
    let key = this.missions;
    // Encoded so that an owner with `:` or braces can neither collide with another index nor pick a hash tag.
    if (filter.owner !== undefined) key += `:o:${Buffer.from(filter.owner, 'utf8').toString('base64url')}`;
    if (filter.status !== undefined) key += `:s:${filter.status}`;
    return key;
  }
  get finished(): string {
    return `${this.global('index')}finished`;
  }
  get finishedMeta(): string {
    return `${this.global('index')}finished:meta`;
  }
  /** '1' once the missions created before the per-owner/per-status indexes were put into them. */
  get indexVersion(): string {
    return `${this.global('index')}indexes:version`;
  }
  get approvalIndex(): string {
    return `${this.global('index')}approvals:index`;
  }
  get feed(): string {
    return `${this.global('feed')}feed`;
  }
  get workers(): string {
    return `${this.global('registry')}workers`;
  }
  worker(workerId: string): string {
    return `${this.global('registry')}worker:${workerId}`;
  }
  get knownBundles(): string {
    return `${this.global('registry')}bundles:known`;
  }
  get capabilityWaits(): string {
    return `${this.global('registry')}capability:waiting`;
  }
}

/** Escapes Redis glob characters so a literal string can be used in SCAN MATCH. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

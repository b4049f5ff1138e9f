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
 *   P{id}:kv:<key>             string small JSON values (checkpoints, idempotency records)
 *   P{id}:approvals            hash   approvalId -> Approval JSON
 *   P{id}:lock:<name>          string `<holder>:<token>` with PX ttl
 *   P{id}:lock:<name>:fence    string fencing counter, INCR on every acquisition
 *   P{id}:owned                set    every key of the mission that is not fixed above (transcripts,
 *                                     artifacts, kv, fences) plus keys of other components in the same
 *                                     hash tag (the travel world's `P` + `travel:{id}:…`). When the mission
 *                                     finishes, the status script gives every fixed key and every member
 *                                     the retention TTL; a key registered later inherits the set's TTL.
 *
 * Global — indexes only, never the source of truth of a mission:
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

/** Builds every key the store uses; see the layout above. */
export class StoreKeys {
  constructor(readonly prefix: string) {}

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
  kv(id: string, key: string): string {
    return `${this.mission(id)}kv:${key}`;
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
  /** The keys every mission has (some only once written); the rest are members of `owned`. */
  fixed(id: string): string[] {
    return [this.record(id), this.usage(id), this.graph(id), this.events(id), this.inbox(id), this.progress(id), this.actors(id), this.approvals(id)];
  }

  get missions(): string {
    return `${this.prefix}missions`;
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
    return `${this.prefix}finished`;
  }
  get finishedMeta(): string {
    return `${this.prefix}finished:meta`;
  }
  /** '1' once the missions created before the per-owner/per-status indexes were put into them. */
  get indexVersion(): string {
    return `${this.prefix}indexes:version`;
  }
  get approvalIndex(): string {
    return `${this.prefix}approvals:index`;
  }
  get feed(): string {
    return `${this.prefix}feed`;
  }
  get workers(): string {
    return `${this.prefix}workers`;
  }
  worker(workerId: string): string {
    return `${this.prefix}worker:${workerId}`;
  }
  get knownBundles(): string {
    return `${this.prefix}bundles:known`;
  }
  get capabilityWaits(): string {
    return `${this.prefix}capability:waiting`;
  }
}

/** Escapes Redis glob characters so a literal string can be used in SCAN MATCH. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

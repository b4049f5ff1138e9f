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
 *   P{id}:progress             hash   taskId -> TaskProgress JSON
 *   P{id}:actors               hash   actorId -> ActorSpec JSON
 *   P{id}:transcript:<actorId> list   one JSON entry per step
 *   P{id}:artifact:<artId>     hash   ref (ArtifactRef JSON), content
 *   P{id}:kv:<key>             string small JSON values (checkpoints, idempotency records)
 *   P{id}:approvals            hash   approvalId -> Approval JSON
 *   P{id}:lock:<name>          string `<holder>:<token>` with PX ttl
 *   P{id}:lock:<name>:fence    string fencing counter, INCR on every acquisition
 *
 * Global — indexes only, never the source of truth of a mission:
 *
 *   Pmissions                  zset   missionId scored by createdAt (ms); listing
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

  get missions(): string {
    return `${this.prefix}missions`;
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

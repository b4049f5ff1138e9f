import { ActorSpec, Approval, ArtifactRef, TaskProgress } from '@aime/protocol';
import type { Redis } from 'ioredis';
import { newArtifactId } from './ids.ts';
import type { StoreKeys } from './keys.ts';
import * as lua from './scripts.ts';
import { assertId, assertPositiveInt, invalid } from './validate.ts';

const PREVIEW_CHARS = 200;

/**
 * The records of a mission stored by reference: task progress, actor specs, transcripts,
 * artifacts, small JSON values and approvals. Every write goes through `write`, which
 * registers the key as the mission's own and gives it the mission's TTL once it finished.
 */
export class MissionRecords {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {}

  // ---- per-task progress ----

  async setProgress(missionId: string, taskId: string, progress: TaskProgress): Promise<void> {
    assertId(taskId, 'taskId');
    const parsed = TaskProgress.safeParse(progress);
    if (!parsed.success) throw invalid(`progress is invalid: ${parsed.error.message}`);
    await this.write(missionId, this.keys.progress(missionId), 'HSET', taskId, JSON.stringify(parsed.data));
  }

  async getProgress(missionId: string): Promise<Record<string, TaskProgress>> {
    const h = await this.redis.hgetall(this.keys.progress(missionId));
    return Object.fromEntries(Object.entries(h).map(([taskId, json]) => [taskId, JSON.parse(json) as TaskProgress]));
  }

  // ---- actors, transcripts, artifacts ----

  async putActorSpec(spec: ActorSpec): Promise<void> {
    const parsed = ActorSpec.safeParse(spec);
    if (!parsed.success) throw invalid(`actor spec is invalid: ${parsed.error.message}`);
    await this.write(spec.missionId, this.keys.actors(spec.missionId), 'HSET', spec.actorId, JSON.stringify(parsed.data));
  }

  async getActorSpec(missionId: string, actorId: string): Promise<ActorSpec | null> {
    const json = await this.redis.hget(this.keys.actors(missionId), actorId);
    return json ? (JSON.parse(json) as ActorSpec) : null;
  }

  /** Returns the transcript's length after the append. */
  async appendTranscript(missionId: string, actorId: string, entry: unknown): Promise<number> {
    assertId(actorId, 'actorId');
    return (await this.write(missionId, this.keys.transcript(missionId, actorId), 'RPUSH', JSON.stringify(entry) ?? 'null')) as number;
  }

  async readTranscript(missionId: string, actorId: string): Promise<unknown[]> {
    const items = await this.redis.lrange(this.keys.transcript(missionId, actorId), 0, -1);
    return items.map((s) => JSON.parse(s) as unknown);
  }

  async putArtifact(missionId: string, input: { name: string; mimeType?: string; content: string }): Promise<ArtifactRef> {
    assertId(missionId, 'missionId');
    if (typeof input.content !== 'string') throw invalid('artifact content must be a string');
    const id = newArtifactId();
    let preview = input.content.slice(0, PREVIEW_CHARS);
    // Do not cut a surrogate pair in half.
    if (/[\uD800-\uDBFF]$/.test(preview)) preview = preview.slice(0, -1);
    const parsed = ArtifactRef.safeParse({
      id,
      name: input.name,
      mimeType: input.mimeType ?? 'text/plain',
      uri: `artifact:${missionId}/${id}`,
      size: Buffer.byteLength(input.content, 'utf8'),
      preview,
    });
    if (!parsed.success) throw invalid(`artifact is invalid: ${parsed.error.message}`);
    await this.write(missionId, this.keys.artifact(missionId, id), 'HSET', 'ref', JSON.stringify(parsed.data), 'content', input.content);
    return parsed.data;
  }

  async getArtifact(missionId: string, artifactId: string): Promise<{ ref: ArtifactRef; content: string } | null> {
    const [ref, content] = await this.redis.hmget(this.keys.artifact(missionId, artifactId), 'ref', 'content');
    if (!ref || content === null || content === undefined) return null;
    return { ref: JSON.parse(ref) as ArtifactRef, content };
  }

  /** SET [NX] [PX]: false when `onlyIfAbsent` and the key exists. */
  async putJson(missionId: string, key: string, value: unknown, opts: { ttlMs?: number; onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    if (key === '') throw invalid('key must not be empty');
    const args: (string | number)[] = [JSON.stringify(value) ?? 'null'];
    if (opts.ttlMs !== undefined) {
      assertPositiveInt(opts.ttlMs, 'ttlMs');
      args.push('PX', opts.ttlMs);
    }
    if (opts.onlyIfAbsent) args.push('NX');
    return (await this.write(missionId, this.keys.kv(missionId, key), 'SET', ...args)) === 'OK';
  }

  async getJson<T = unknown>(missionId: string, key: string): Promise<T | null> {
    const json = await this.redis.get(this.keys.kv(missionId, key));
    return json === null ? null : (JSON.parse(json) as T);
  }

  // ---- approvals ----

  async putApproval(approval: Approval): Promise<void> {
    const parsed = Approval.safeParse(approval);
    if (!parsed.success) throw invalid(`approval is invalid: ${parsed.error.message}`);
    const a = parsed.data;
    await this.write(a.missionId, this.keys.approvals(a.missionId), 'HSET', a.id, JSON.stringify(a));
    await this.redis.hset(this.keys.approvalIndex, a.id, a.missionId);
  }

  async getApproval(approvalId: string): Promise<Approval | null> {
    const missionId = await this.redis.hget(this.keys.approvalIndex, approvalId);
    if (!missionId) return null;
    const json = await this.redis.hget(this.keys.approvals(missionId), approvalId);
    return json ? (JSON.parse(json) as Approval) : null;
  }

  /** Oldest request first. */
  async listApprovals(missionId: string): Promise<Approval[]> {
    const all = (await this.redis.hvals(this.keys.approvals(missionId))).map((s) => JSON.parse(s) as Approval);
    return all.sort((a, b) => (a.requestedAt === b.requestedAt ? (a.id < b.id ? -1 : 1) : a.requestedAt < b.requestedAt ? -1 : 1));
  }

  /** A write to one key of the mission that registers the key as owned and inherits the mission's TTL. */
  private write(missionId: string, key: string, command: string, ...args: (string | number)[]): Promise<unknown> {
    return lua.OWNED_WRITE.run(this.redis, [this.keys.owned(missionId), key], [command, ...args]);
  }
}

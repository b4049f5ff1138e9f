import { ActorSpec, ArtifactRef, TaskProgress } from '@aime/protocol';
import type { RedisClient } from './redis-connection.ts';
import { newArtifactId } from './ids.ts';
import type { StoreKeys } from './keys.ts';
import { parseRecord } from './record-schemas.ts';
import * as lua from './scripts.ts';
import { assertId, invalid } from './validate.ts';

const PREVIEW_CHARS = 200;

/**
 * The records of a mission stored by reference: task progress, actor specs, transcripts and
 * artifacts (approvals: ./approval-records.ts; small named records: ./named-records.ts), each
 * parsed on read. Every write goes through `write`, which
 * registers the key as the mission's own and gives it the mission's TTL once it finished.
 */
export class MissionRecords {
  constructor(
    private readonly redis: RedisClient,
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
    return Object.fromEntries(Object.entries(h).map(([taskId, json]) => [taskId, parseRecord(TaskProgress, json, 'task progress', { missionId, taskId }) as TaskProgress]));
  }

  // ---- actors, transcripts, artifacts ----

  async putActorSpec(spec: ActorSpec): Promise<void> {
    const parsed = ActorSpec.safeParse(spec);
    if (!parsed.success) throw invalid(`actor spec is invalid: ${parsed.error.message}`);
    await this.write(spec.missionId, this.keys.actors(spec.missionId), 'HSET', spec.actorId, JSON.stringify(parsed.data));
  }

  async getActorSpec(missionId: string, actorId: string): Promise<ActorSpec | null> {
    const json = await this.redis.hget(this.keys.actors(missionId), actorId);
    return parseRecord(ActorSpec, json, 'actor spec', { missionId, actorId });
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
    return { ref: parseRecord(ArtifactRef, ref, 'artifact reference', { missionId, artifactId }) as ArtifactRef, content };
  }

  /** A write to one key of the mission that registers the key as owned and inherits the mission's TTL. */
  private write(missionId: string, key: string, command: string, ...args: (string | number)[]): Promise<unknown> {
    return lua.OWNED_WRITE.run(this.redis, [this.keys.owned(missionId), key], [command, ...args]);
  }
}

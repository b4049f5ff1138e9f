import { InboxItem, parseEvent, TaskGraph } from '@aime/protocol';
import type { Event, NewEvent } from '@aime/protocol';
import { assertStreamId, decodeStreamEvents, encodeNewEvent, parseInboxItem } from './codec.ts';
import type { StreamEntries } from './codec.ts';
import { StoreError } from './errors.ts';
import type { ScriptContext } from './named-records.ts';
import * as lua from './scripts.ts';
import { assertPositiveInt, assertVersion, invalid } from './validate.ts';

/**
 * A mission's task graph (compare-and-set on its version), event stream and planner inbox.
 * Every write checks that the mission exists in the same script.
 */
export class MissionLog {
  constructor(private readonly ctx: ScriptContext) {}

  // ---- task graph ----

  async readGraph(missionId: string): Promise<TaskGraph> {
    const [version, json] = await this.ctx.redis.hmget(this.ctx.keys.graph(missionId), 'version', 'json');
    if (!json) return { version: 0, tasks: [] };
    const graph = JSON.parse(json) as TaskGraph;
    return { ...graph, version: Number(version ?? graph.version) };
  }

  async writeGraph(missionId: string, expectedVersion: number, graph: TaskGraph, events: NewEvent[] = []): Promise<{ version: number; events: Event[] }> {
    assertVersion(expectedVersion);
    const version = expectedVersion + 1;
    const parsed = TaskGraph.safeParse({ ...graph, version });
    if (!parsed.success) throw invalid(`graph is invalid: ${parsed.error.message}`);
    const encoded = events.map((e) => encodeNewEvent(missionId, e));
    const k = this.ctx.keys;
    const reply = (await lua.WRITE_GRAPH.run(
      this.ctx.redis,
      [k.record(missionId), k.graph(missionId), k.events(missionId)],
      [expectedVersion, this.ctx.eventsMax, JSON.stringify(parsed.data), ...encoded.map((e) => e.json)],
    )) as string[];
    if (reply[0] === 'missing') throw new StoreError('not_found', `mission ${missionId} not found`, { missionId });
    if (reply[0] === 'stale') {
      const actual = Number(reply[1]);
      throw new StoreError('stale_write', `graph of ${missionId} is at version ${actual}, expected ${expectedVersion}`, { expected: expectedVersion, actual });
    }
    const written = encoded.map((e, i) => parseEvent({ ...e.stored, id: reply[i + 1] }));
    await this.ctx.feed(missionId, written);
    return { version, events: written };
  }

  // ---- events ----

  async appendEvent(missionId: string, event: NewEvent): Promise<Event> {
    const { json, stored } = encodeNewEvent(missionId, event);
    const id = await lua.APPEND_EVENT.run(this.ctx.redis, [this.ctx.keys.record(missionId), this.ctx.keys.events(missionId)], [json, this.ctx.eventsMax]);
    if (typeof id !== 'string') throw new StoreError('not_found', `mission ${missionId} not found`, { missionId });
    const written = parseEvent({ ...stored, id });
    await this.ctx.feed(missionId, [written]);
    return written;
  }

  async readEvents(missionId: string, opts: { after?: string; limit?: number } = {}): Promise<Event[]> {
    if (opts.after !== undefined) assertStreamId(opts.after, 'after');
    if (opts.limit !== undefined) assertPositiveInt(opts.limit, 'limit');
    const start = opts.after !== undefined ? `(${opts.after}` : '-';
    const key = this.ctx.keys.events(missionId);
    const entries = (opts.limit !== undefined ? await this.ctx.redis.xrange(key, start, '+', 'COUNT', opts.limit) : await this.ctx.redis.xrange(key, start, '+')) as StreamEntries;
    return decodeStreamEvents(entries);
  }

  // ---- planner inbox ----

  async pushInbox(missionId: string, item: InboxItem): Promise<void> {
    const parsed = InboxItem.safeParse(item);
    if (!parsed.success) throw invalid(`inbox item is invalid: ${parsed.error.message}`);
    const n = await lua.PUSH_INBOX.run(this.ctx.redis, [this.ctx.keys.record(missionId), this.ctx.keys.inbox(missionId), this.ctx.keys.owned(missionId)], [JSON.stringify(parsed.data)]);
    if (typeof n !== 'number') throw new StoreError('not_found', `mission ${missionId} not found`, { missionId });
  }

  async drainInbox(missionId: string): Promise<InboxItem[]> {
    const items = (await lua.DRAIN_INBOX.run(this.ctx.redis, [this.ctx.keys.inbox(missionId)], [])) as string[];
    return items.map(parseInboxItem);
  }

  inboxLength(missionId: string): Promise<number> {
    return this.ctx.redis.llen(this.ctx.keys.inbox(missionId));
  }
}

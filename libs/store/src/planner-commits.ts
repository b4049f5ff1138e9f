import { FactoryJob, parseEvent, TaskGraph, type Event, type NewEvent } from '@aime/protocol';
import type { RedisClient } from './redis-connection.ts';
import { encodeNewEvent, parseInboxItem } from './codec.ts';
import { StoreError } from './errors.ts';
import type { StoreKeys } from './keys.ts';
import { encodeRecord, parseRecord, PlannerStateRecord } from './record-schemas.ts';
import * as lua from './scripts.ts';
import type { PlannerCommit, PlannerState } from './types.ts';
import { invalid } from './validate.ts';


/**
 * The planner step's commit: everything one step changes is written in one Lua script,
 * guarded by the graph version and the planner lock's fencing token, so a crash or a lost
 * lock at any point repeats the whole step or nothing of it. The inbox is only read before
 * (`peekInbox`); the commit drops exactly the items the step read. Factory jobs are committed
 * as intents and enqueued after the commit (idempotent job ids), then cleared.
 */
export class PlannerCommits {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StoreKeys,
    private readonly eventsMax: number,
    private readonly feed: (missionId: string, events: Event[]) => Promise<void>,
  ) {}

  async peekInbox(missionId: string) {
    const items = await this.redis.lrange(this.keys.inbox(missionId), 0, -1);
    return items.map(parseInboxItem);
  }

  async getPlannerState(missionId: string): Promise<PlannerState> {
    const state = parseRecord(PlannerStateRecord, await this.redis.get(this.keys.plannerState(missionId)), 'planner state', { missionId });
    return state ?? { news: [], badSteps: 0 };
  }

  async commitPlannerStep(missionId: string, c: PlannerCommit): Promise<{ version: number; events: Event[] }> {
    const k = this.keys;
    let graphJson = '';
    if (c.graph) {
      const parsed = TaskGraph.safeParse({ ...c.graph, version: c.expectedVersion + 1 });
      if (!parsed.success) throw invalid(`graph is invalid: ${parsed.error.message}`);
      graphJson = JSON.stringify(parsed.data);
    }
    const intents = c.intents.map((j) => {
      const parsed = FactoryJob.safeParse(j);
      if (!parsed.success) throw invalid(`dispatch intent is invalid: ${parsed.error.message}`);
      return JSON.stringify(parsed.data);
    });
    const encoded = c.events.map((e: NewEvent) => encodeNewEvent(missionId, e));
    const reply = (await lua.COMMIT_PLANNER_STEP.run(
      this.redis,
      [k.record(missionId), k.graph(missionId), k.events(missionId), k.inbox(missionId), c.lease.key, k.plannerState(missionId), k.intents(missionId), k.owned(missionId)],
      [c.expectedVersion, `${c.lease.holder}:${c.lease.token}`, c.consumedInbox, encodeRecord(PlannerStateRecord, c.state, 'planner state'), graphJson, this.eventsMax, intents.length, ...intents, ...encoded.map((e) => e.json)],
    )) as string[];
    if (reply[0] === 'missing') throw new StoreError('not_found', `mission ${missionId} not found`, { missionId });
    if (reply[0] === 'fenced') throw new StoreError('lock_lost', `the planner lock of ${missionId} is no longer held by ${c.lease.holder} (token ${c.lease.token}): nothing was written`, { missionId });
    if (reply[0] === 'ended') throw new StoreError('conflict', `mission ${missionId} ended (${reply[1]}) during the planner step: nothing of the step was written`, { missionId, status: reply[1] });
    if (reply[0] === 'stale') {
      const actual = Number(reply[1]);
      throw new StoreError('stale_write', `graph of ${missionId} is at version ${actual}, expected ${c.expectedVersion}`, { expected: c.expectedVersion, actual });
    }
    const written = encoded.map((e, i) => parseEvent({ ...e.stored, id: reply[i + 2] }));
    await this.feed(missionId, written);
    return { version: Number(reply[1]), events: written };
  }

  async readIntents(missionId: string): Promise<FactoryJob[]> {
    const items = await this.redis.lrange(this.keys.intents(missionId), 0, -1);
    return items.map((s) => parseRecord(FactoryJob, s, 'dispatch intent', { missionId }) as FactoryJob);
  }

  /** Drops the first `count` intents (those just enqueued); later ones stay. */
  async clearIntents(missionId: string, count: number): Promise<void> {
    if (count > 0) await this.redis.ltrim(this.keys.intents(missionId), count, -1);
  }
}



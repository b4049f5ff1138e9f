import { randomUUID } from 'node:crypto';
import { afterEach } from 'vitest';
import { createMissionStore, type MissionStore } from '@aime/store';
import { MemoryMissionStore, type MemoryPlannerStore } from '@aime/store/memory';

export const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The models a scripted planner test records on its missions. */
export const SCRIPTED_MODEL = { planner: 'scripted', factory: 'scripted', actor: 'scripted', simulated: true };

/**
 * Gives each test a store on a fresh key prefix (or the one given) and, after the test,
 * deletes the missions it made and closes it.
 */
export function freshStores(): (prefix?: string) => MissionStore {
  let store: MissionStore | undefined;
  afterEach(async () => {
    if (!store) return;
    const { items } = await store.listMissions({ limit: 100 });
    for (const m of items) await store.deleteMission(m.id);
    await store.close();
    store = undefined;
  });
  return (prefix = `test-${randomUUID()}:`) => (store = createMissionStore({ redis: REDIS, prefix }));
}

/**
 * A fresh in-memory store with the planner's role (and what a test needs to set a mission up):
 * planner orchestration tests need no Redis. The store's contract suite runs the same checks
 * against it and the Redis store, so it behaves alike.
 */
export function memoryStores(): () => MemoryPlannerStore {
  return () => new MemoryMissionStore();
}

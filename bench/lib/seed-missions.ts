/**
 * Seeds finished missions through the store, as a process of its own (so the commander's
 * process, measured by the stored-missions bench, holds none of the seeding's memory):
 * `node --import tsx bench/lib/seed-missions.ts <redisUrl> <prefix> <count>`. Many missions
 * in flight at once, so ioredis pipelines them. Prints `seeded <count> <seconds>`.
 */
import { DEFAULT_BUDGET } from '@aime/protocol';
import { createMissionStore } from '@aime/store';

const [redisUrl, prefix, countText] = process.argv.slice(2);
if (!redisUrl || !prefix || !countText) throw new Error('usage: seed-missions.ts <redisUrl> <prefix> <count>');
const count = Number(countText);
const store = createMissionStore({ redis: redisUrl, prefix });
const MODEL = { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true };
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: 400 }, async () => {
    while (next < count) {
      const n = next++;
      const { mission } = await store.createMission({ goal: `bench: stored mission ${n}`, model: MODEL, budget: DEFAULT_BUDGET });
      await store.setMissionStatus(mission.id, 'succeeded', { result: { answer: `done ${n}`, artifacts: [] } });
    }
  }),
);
process.stdout.write(`seeded ${count} ${((performance.now() - t0) / 1000).toFixed(1)}\n`);
await store.close();

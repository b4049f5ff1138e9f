import { DEFAULT_BUDGET } from '@aime/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { ActiveMissions, newMissionId } from '../src/index.ts';
import { fixture, type Fixture } from './helpers.ts';

const model = { planner: 'sim', factory: 'sim', actor: 'sim', simulated: true };
let f: Fixture;
afterEach(async () => {
  await f?.cleanup();
});

async function create(owner: string, id = newMissionId()): Promise<string> {
  await f.store.createMission({ id, goal: 'g', model, budget: DEFAULT_BUDGET, owner });
  return id;
}

describe('ActiveMissions', () => {
  it('admits up to the limit per owner, refuses the next, and frees a slot when a mission finishes', async () => {
    f = fixture();
    const active = new ActiveMissions(f.redis, f.prefix);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = newMissionId();
      expect(await active.reserve('alice', id, 3)).toEqual({ ok: true, active: i + 1 });
      ids.push(await create('alice', id));
    }
    expect(await active.reserve('alice', newMissionId(), 3)).toEqual({ ok: false, active: 3 });
    expect((await active.reserve('bob', newMissionId(), 3)).ok).toBe(true);
    await f.store.setMissionStatus(ids[1] as string, 'succeeded');
    expect(await active.count('alice')).toBe(2);
    expect((await active.reserve('alice', newMissionId(), 3)).ok).toBe(true);
  });

  it('keeps a fresh reservation without a record, drops it once stale or when the mission expired', async () => {
    f = fixture();
    let now = 1_000_000;
    const active = new ActiveMissions(f.redis, f.prefix, () => now);
    await active.reserve('alice', 'm_pending', 5);
    expect(await active.count('alice')).toBe(1);
    now += 61_000;
    expect(await active.count('alice')).toBe(0);
    expect(await active.countAll()).toBe(0);
  });

  it('never admits more than the limit when owners race', async () => {
    f = fixture();
    const active = new ActiveMissions(f.redis, f.prefix);
    const results = await Promise.all(Array.from({ length: 10 }, () => active.reserve('alice', newMissionId(), 4)));
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(4);
    expect(await active.count('alice')).toBeLessThanOrEqual(4);
  });
});

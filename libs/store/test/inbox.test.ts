import type { InboxItem } from '@aime/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, missionInput } from './helpers.ts';
import type { Fixture } from './helpers.ts';

describe('planner inbox', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('starts with the created item and drains oldest first, leaving it empty', async () => {
    const { mission, event } = await f.store.createMission(missionInput());
    await f.store.pushInbox(mission.id, { kind: 'external', eventId: '1-0', message: 'sold out' });
    await f.store.pushInbox(mission.id, { kind: 'tick', reason: 'stall' });
    expect(await f.store.inboxLength(mission.id)).toBe(3);
    expect(await f.store.drainInbox(mission.id)).toEqual([
      { kind: 'created', eventId: event.id },
      { kind: 'external', eventId: '1-0', message: 'sold out' },
      { kind: 'tick', reason: 'stall' },
    ]);
    expect(await f.store.inboxLength(mission.id)).toBe(0);
    expect(await f.store.drainInbox(mission.id)).toEqual([]);
  });

  it('loses and duplicates no item when draining under concurrent pushes', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await f.store.drainInbox(mission.id);
    const pushers = [f.other(), f.other()];
    const total = 300;
    let pushing = true;
    const pushes = Promise.all(
      Array.from({ length: total }, (_, i) => (pushers[i % 2] ?? f.store).pushInbox(mission.id, { kind: 'tick', reason: `r${i}` })),
    ).finally(() => {
      pushing = false;
    });
    const drained: InboxItem[] = [];
    let drains = 0;
    while (pushing) {
      drained.push(...(await f.store.drainInbox(mission.id)));
      drains += 1;
    }
    await pushes;
    drained.push(...(await f.store.drainInbox(mission.id)));
    const reasons = drained.map((d) => (d.kind === 'tick' ? d.reason : '?'));
    expect(reasons).toHaveLength(total);
    expect(new Set(reasons).size).toBe(total);
    expect(drains).toBeGreaterThan(0);
  });

  it('rejects an invalid item and refuses a mission that does not exist', async () => {
    const { mission } = await f.store.createMission(missionInput());
    await expect(f.store.pushInbox(mission.id, { kind: 'nope' } as unknown as InboxItem)).rejects.toMatchObject({ code: 'invalid' });
    await expect(f.store.pushInbox('m_missing', { kind: 'tick', reason: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

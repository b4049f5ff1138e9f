import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkToolCall } from '@aime/plugin-sdk';
import { setupPluginForTest, type PluginTestHarness } from '@aime/plugin-sdk/testing';
import plugin from './index.ts';

// The plugin set up as a worker would, on a fresh key prefix of the test Redis (REDIS_URL).
let h: PluginTestHarness;
beforeEach(async () => {
  h = await setupPluginForTest(plugin, { config: { maxNotes: 2 } });
});
afterEach(() => h.close());

describe('the notes plugin', () => {
  it('keeps notes in its own namespace, once per step', async () => {
    const first = await h.run('add_note', { text: 'JR pass: exchange at Tokyo station' }, { missionId: 'm1', idempotencyKey: 'step-1' });
    const retry = await h.run('add_note', { text: 'JR pass: exchange at Tokyo station' }, { missionId: 'm1', idempotencyKey: 'step-1' });
    expect(first).toMatchObject({ ok: true, output: { added: true, count: 1 } });
    expect(retry).toMatchObject({ ok: true, output: { added: false, note: 'already kept' } });
    expect(await h.redis.lrange(h.keys.missionKey('m1', 'notes'), 0, -1)).toEqual(['JR pass: exchange at Tokyo station']);
    expect(h.keys.prefix).toBe(`${h.keyPrefix}plugin:notes:`);
  });

  it('takes its limit from the config entry', async () => {
    for (const n of [1, 2]) await h.run('add_note', { text: `note ${n}` }, { missionId: 'm1', idempotencyKey: `k${n}` });
    expect(await h.run('add_note', { text: 'note 3' }, { missionId: 'm1', idempotencyKey: 'k3' })).toMatchObject({ ok: true, output: { added: false, note: 'at most 2 notes per mission' } });
  });

  it('asks an operator only for urgent notes, and never for an invalid one', async () => {
    const ids = { missionId: 'm1', taskId: 't1', actorId: 'a1' };
    expect(await checkToolCall(h.tool('add_note'), { text: 'pack an umbrella' }, ids)).toEqual({ ok: true, needsApproval: false });
    expect(await checkToolCall(h.tool('add_note'), { text: 'passport expires', urgent: true }, ids)).toEqual({ ok: true, needsApproval: true });
    expect(await checkToolCall(h.tool('add_note'), { text: '', urgent: true }, ids)).toMatchObject({ ok: false, result: { error: { code: 'invalid_input' } } });
  });

  it("archives a mission's notes when it ends", async () => {
    await h.run('add_note', { text: 'ryokan check-in 15:00' }, { missionId: 'm2' });
    await h.endMission('m2');
    expect(JSON.parse((await h.redis.get(h.keys.key('archive', 'm2'))) ?? 'null')).toEqual(['ryokan check-in 15:00']);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { Bundle, Mission } from '@aime/protocol';
import { eventsOfType, inlinePlugin, startPluginStack, type PluginStack } from '../helpers/plugin-project.ts';

let stack: PluginStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const REASON = 'waiting for a live worker serving bundle "stamps"';
const stamps = () => inlinePlugin({ plugin: 'stamper', bundle: 'stamps', tool: 'stamp' });

describe('a task whose bundle has no live worker', () => {
  it('waits visibly as blocked with the reason, and resumes when a worker serving it starts', async () => {
    stack = await startPluginStack({ plugins: [inlinePlugin({ plugin: 'notes', bundle: 'notes', tool: 'note' })] });
    // A worker once served "stamps" and is gone: the bundle is known but has no live worker.
    const gone = await stack.startWorker({ plugins: [stamps()], workerId: 'w-stamps-old' });
    await gone.close();
    expect((await stack.api<{ bundles: Bundle[] }>('/v1/tools')).body.bundles.map((b) => b.name)).toEqual(['notes']);

    const id = await stack.submit({ goal: 'Call `stamp` with {"text":"approved"}' });
    const blocked = await stack.waitForEvent(id, (e) => e.type === 'task.updated' && (e.data as { status?: string }).status === 'blocked');
    expect(blocked.data).toEqual({ status: 'blocked', reason: REASON });
    const waiting = await stack.api<Mission>(`/v1/missions/${id}`);
    const task = waiting.body.tasks.find((t) => t.id === blocked.taskId);
    expect(task?.status).toBe('blocked');
    expect(waiting.body.progressMarkdown).toContain(REASON);
    expect(['running', 'planning']).toContain(waiting.body.status);

    const fresh = await stack.startWorker({ plugins: [stamps()], workerId: 'w-stamps-new' });
    const done = await stack.waitForStatus(id, ['succeeded', 'failed'], 60_000);
    expect(done.status).toBe('succeeded');
    expect(done.result?.answer).toContain('APPROVED');

    const events = await stack.events(id);
    // The blocked task ran on its second attempt, on the new worker.
    const spawned = eventsOfType(events, 'actor.spawned').filter((e) => e.taskId === blocked.taskId);
    expect(spawned.map((e) => [e.data.attempt, e.data.bundles])).toEqual([[2, ['stamps']]]);
    const first = eventsOfType(events, 'actor.step').find((e) => e.actorId === spawned[0]?.actorId);
    expect(first?.data.workerId).toBe(fresh.workerId);
    expect(eventsOfType(events, 'task.updated').some((e) => e.taskId === blocked.taskId && e.data.status === 'succeeded')).toBe(true);
  });
});

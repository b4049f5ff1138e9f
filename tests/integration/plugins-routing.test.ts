import { afterEach, describe, expect, it } from 'vitest';
import type { Bundle } from '@aime/protocol';
import { eventsOfType, inlinePlugin, startPluginStack, type PluginStack } from '../helpers/plugin-project.ts';

let stack: PluginStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const notes = () => inlinePlugin({ plugin: 'notes', bundle: 'notes', tool: 'note' });
const stamps = () => inlinePlugin({ plugin: 'stamper', bundle: 'stamps', tool: 'stamp' });

/** The worker that ran each actor of the mission, from the first step of its run. */
async function ranOn(s: PluginStack, missionId: string): Promise<Map<string, string | undefined>> {
  const events = await s.events(missionId);
  const out = new Map<string, string | undefined>();
  for (const e of eventsOfType(events, 'actor.step')) if (e.actorId && !out.has(e.actorId)) out.set(e.actorId, e.data.workerId);
  return out;
}

describe('capability routing', () => {
  it('runs an actor on the worker that serves its bundle, and others where their bundles are', async () => {
    stack = await startPluginStack({ plugins: [notes()] });
    const a = await stack.startWorker({ plugins: [notes()], workerId: 'w-a' });
    const b = await stack.startWorker({ plugins: [notes(), stamps()], workerId: 'w-b' });
    expect(a.queue).not.toBe(b.queue);
    const bundles = (await stack.api<{ bundles: Bundle[] }>('/v1/tools')).body.bundles;
    expect(bundles.map((x) => [x.name, x.workers])).toEqual([
      ['notes', 3],
      ['stamps', 1],
    ]);

    const stamped = await stack.submit({ goal: 'Call `stamp` with {"text":"only on b"}' });
    expect((await stack.waitForStatus(stamped, ['succeeded', 'failed'], 60_000)).status).toBe('succeeded');
    const stampWorkers = await ranOn(stack, stamped);
    expect(stampWorkers.size).toBeGreaterThan(0);
    expect(new Set(stampWorkers.values())).toEqual(new Set(['w-b']));

    // Notes alone go to the queue most live workers serve (the stack's worker and w-a), never to w-b.
    const noted = await stack.submit({ goal: 'Call `note` with {"text":"anywhere"}' });
    expect((await stack.waitForStatus(noted, ['succeeded', 'failed'], 60_000)).status).toBe('succeeded');
    const noteWorkers = [...(await ranOn(stack, noted)).values()];
    expect(noteWorkers.length).toBeGreaterThan(0);
    for (const w of noteWorkers) {
      expect(w).toBeDefined();
      expect(w).not.toBe('w-b');
    }
  });
});

import { symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { loadConfig } from '@aime/actors';
import type { Approval, Bundle, Mission } from '@aime/protocol';
import { eventsOfType, pluginProject, startPluginStack, type PluginStack } from '../helpers/plugin-project.ts';
import { REDIS_URL } from '../helpers/stack.ts';

const require = createRequire(import.meta.url);
const ENDED: Mission['status'][] = ['succeeded', 'failed', 'cancelled'];

/** LangChain tools as a plugin author has them already: nothing of this runtime imported. */
const LANGCHAIN_TOOLS = `
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

export const tools = [
  tool(async ({ text }, config) => JSON.stringify({ shouted: text.toUpperCase(), idempotencyKey: config?.configurable?.idempotencyKey ?? null }), {
    name: 'shout_text',
    description: 'Upper-cases a text.',
    schema: z.object({ text: z.string().min(1) }),
  }),
];
`;

/** A plugin written as a factory: its client and namespace reach the tool and the hook by closure. */
const NOTES_PLUGIN = `
import { Redis } from 'ioredis';
import { defineBundle, definePlugin, defineTool } from '@aime/plugin-sdk';
import { z } from 'zod';

export default definePlugin((config, ctx) => {
  const redis = new Redis(ctx.redisUrl);
  const addNote = defineTool({
    name: 'add_note',
    description: 'Keeps a note for the traveller.',
    input: z.object({ text: z.string().min(1), urgent: z.boolean().default(false) }),
    sideEffects: 'idempotent',
    requiresApproval: (input) => input.urgent,
    run: async ({ text }, t) => {
      await redis.rpush(ctx.keys.missionKey(t.missionId, 'notes'), String(config.tag) + text);
      return { kept: text };
    },
  });
  return {
    name: 'notes',
    version: '1.0.0',
    bundles: [defineBundle({ name: 'notes', description: 'Notes for the traveller.', tools: [addNote] })],
    async onMissionEnd({ missionId, keys }) {
      const notes = await redis.lrange(keys.missionKey(missionId, 'notes'), 0, -1);
      await redis.del(keys.missionKey(missionId, 'notes'));
      await redis.set(keys.key('ended', missionId), JSON.stringify(notes));
    },
    teardown: () => redis.quit(),
  };
});
`;

let stack: PluginStack;
let cleanup: () => Promise<void>;
const redis = new Redis(REDIS_URL);

beforeAll(async () => {
  const project = await pluginProject({
    'langchain-tools.mjs': LANGCHAIN_TOOLS,
    'notes.mjs': NOTES_PLUGIN,
    'aime.config.json': JSON.stringify({
      plugins: [
        { module: '@aime/plugin-sdk/langchain', config: { module: './langchain-tools.mjs', export: 'tools', bundle: 'lc-text', description: 'Text tools from LangChain (shout_text).', sideEffects: 'none' } },
        { module: './notes.mjs', config: { tag: '✎ ' } },
      ],
    }),
  });
  cleanup = project.cleanup;
  // What the author's project would have installed besides the SDK and zod.
  for (const pkg of ['@langchain/core', 'ioredis']) {
    const target = join(project.dir, 'node_modules', pkg);
    if (pkg.startsWith('@')) await import('node:fs/promises').then((fs) => fs.mkdir(dirname(target), { recursive: true }));
    await symlink(dirname(require.resolve(`${pkg}/package.json`)), target, 'dir');
  }
  stack = await startPluginStack({ config: await loadConfig({ env: { AIME_CONFIG: join(project.dir, 'aime.config.json') } }) });
});

afterAll(async () => {
  await stack?.close();
  await cleanup?.();
  redis.disconnect();
});

describe('LangChain tools and plugin factories from aime.config.json', () => {
  it('runs a mission whose actor calls a real @langchain/core tool, with no runtime change', async () => {
    const tools = await stack.api<{ bundles: Bundle[] }>('/v1/tools');
    expect(tools.body.bundles.map((b) => [b.name, b.tools.map((t) => [t.name, t.requiresApproval])])).toEqual([
      ['lc-text', [['shout_text', false]]],
      ['notes', [['add_note', true]]],
    ]);

    const id = await stack.submit({ goal: 'Call `shout_text` with {"text":"langchain works"}' });
    const mission = await stack.waitForStatus(id, ENDED, 60_000);
    expect(mission.status).toBe('succeeded');
    const events = await stack.events(id);
    expect(eventsOfType(events, 'actor.spawned').map((s) => s.data.bundles)).toEqual([['lc-text']]);
    const calls = eventsOfType(events, 'actor.step').filter((s) => s.data.toolCall?.name === 'shout_text');
    expect(calls).toHaveLength(1);
    const observation = calls[0]!.data.observation ?? '';
    expect(observation).toMatch(/shouted\\?":\\?"LANGCHAIN WORKS/);
    // The runtime's idempotency key reached the LangChain tool in its RunnableConfig.
    expect(observation).toMatch(/idempotencyKey\\?":\\?"[^"\\]{8,}/);
    expect(mission.result?.answer).toContain('LANGCHAIN WORKS');
  });

  it('fails a call with invalid arguments without asking an operator, even when the tool may need approval', async () => {
    const id = await stack.submit({ goal: 'Call `add_note` with {"text":"","urgent":true}' });
    await stack.waitForStatus(id, ENDED, 60_000);
    const events = await stack.events(id);
    expect(eventsOfType(events, 'approval.requested')).toHaveLength(0);
    const calls = eventsOfType(events, 'actor.step').filter((s) => s.data.toolCall?.name === 'add_note');
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c.data.observation).toContain('Invalid arguments for add_note');
  });

  it('asks an operator only for the calls the predicate picks, and calls onMissionEnd once the mission ends', async () => {
    const calm = await stack.submit({ goal: 'Call `add_note` with {"text":"buy a JR pass"}' });
    expect((await stack.waitForStatus(calm, ENDED, 60_000)).status).toBe('succeeded');
    expect(eventsOfType(await stack.events(calm), 'approval.requested')).toHaveLength(0);

    const urgent = await stack.submit({ goal: 'Call `add_note` with {"text":"passport expires","urgent":true}' });
    const asked = await stack.waitForEvent(urgent, (e) => e.type === 'approval.requested', 60_000);
    const approval = (asked.data as { approval: Approval }).approval;
    expect(approval).toMatchObject({ tool: 'add_note', args: { text: 'passport expires', urgent: true } });
    expect((await stack.api(`/v1/approvals/${approval.id}`, { body: { decision: 'approve' } })).status).toBe(200);
    expect((await stack.waitForStatus(urgent, ENDED, 60_000)).status).toBe('succeeded');

    // The hook of the worker's plugin moved each mission's notes to its 'ended' record.
    const ended = async (missionId: string) => {
      for (let i = 0; i < 100; i++) {
        const v = await redis.get(`${stack.prefix}plugin:notes:ended:${missionId}`);
        if (v !== null) return JSON.parse(v) as string[];
        await new Promise((r) => setTimeout(r, 100));
      }
      return null;
    };
    expect(await ended(calm)).toEqual(['✎ buy a JR pass']);
    expect(await ended(urgent)).toEqual(['✎ passport expires']);
    expect(await redis.exists(`${stack.prefix}plugin:notes:{${calm}}:notes`)).toBe(0);
  });
});

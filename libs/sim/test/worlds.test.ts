import { afterEach, describe, expect, it } from 'vitest';
import {
  chooseWorld,
  loadWorldModules,
  registeredWorlds,
  registerWorld,
  SimOptionsError,
  startSimServer,
  unregisterWorld,
  type SimWorld,
} from '../src/index.ts';
import { client, plannerRequest, tinyWorld } from './helpers.ts';

/** A stand-in for a plugin's catch-all world (as the travel demo is): it answers any goal. */
const catchAll: SimWorld = {
  name: 'catch-all',
  matches: () => true,
  fallback: true,
  summary: 'anything, badly',
  planner: () => ({ content: JSON.stringify({ thought: 'catch-all', operations: [] }) }),
};

afterEach(() => {
  for (const w of registeredWorlds()) unregisterWorld(w.name);
});

async function plan(url: string, goal: string): Promise<{ thought: string; operations: Array<Record<string, unknown>> }> {
  const req = plannerRequest(goal);
  const res = await client(url).chat.completions.create({ model: 'sim', messages: req.messages as never, response_format: req.response_format as never });
  return JSON.parse(res.choices[0]?.message.content ?? '') as never;
}

describe('demo worlds are added from outside the sim', () => {
  it('routes each request to the world its goal belongs to; a fallback world takes the rest whatever the order', async () => {
    const sim = await startSimServer({ worlds: [catchAll, tinyWorld] });
    try {
      const tiny = await plan(sim.url, 'tiny: red, green');
      expect(tiny.operations.map((o) => (o.task as { title: string }).title)).toEqual(['Say red', 'Say green']);
      expect((await plan(sim.url, 'Write me a poem')).thought).toBe('catch-all');
      expect(sim.stats().byPolicy).toEqual({ planner: 2 });
    } finally {
      await sim.close();
    }
  });

  it('a world registered after the server started answers its goals (the registry is read per request)', async () => {
    const sim = await startSimServer();
    try {
      expect((await plan(sim.url, 'tiny: late')).operations[0]).toMatchObject({ op: 'finish', status: 'failed' });
      registerWorld(tinyWorld);
      expect((await plan(sim.url, 'tiny: late')).operations).toHaveLength(1);
      expect((await plan(sim.url, 'tiny: late')).operations[0]).toMatchObject({ op: 'add', task: { title: 'Say late' } });
    } finally {
      await sim.close();
    }
  });

  it('a goal no world serves fails the mission at once, listing what the registered worlds can do', async () => {
    const sim = await startSimServer({ worlds: [tinyWorld] });
    try {
      const out = await plan(sim.url, 'Book me a dentist');
      expect(out.operations).toHaveLength(1);
      const finish = out.operations[0] as { op: string; status: string; answer: string };
      expect(finish).toMatchObject({ op: 'finish', status: 'failed' });
      expect(finish.answer).toContain('has no demo world for this goal');
      expect(finish.answer).toContain('say words, for goals written "tiny: a, b, c"');
      expect(finish.answer).toContain('AIME_MODEL=openai:<model>');
    } finally {
      await sim.close();
    }
  });

  it("plays a world's factory and actor through the OpenAI client", async () => {
    const sim = await startSimServer({ worlds: [tinyWorld] });
    try {
      const oa = client(sim.url);
      const spec = await oa.chat.completions.create({
        model: 'sim',
        messages: [{ role: 'user', content: '## Task\nSay hi with the voice bundle.\n\n## Available bundles\n- voice: speaks (tools: say)\n- files: files\n\n## Mission goal, for context\ntiny: hi' }],
        response_format: { type: 'json_schema', json_schema: { name: 'actor_spec', schema: { type: 'object' } } },
      });
      expect(JSON.parse(spec.choices[0]?.message.content ?? '')).toMatchObject({ bundles: ['voice'] });
      const tools = ['say', 'submit_report'].map((name) => ({ type: 'function' as const, function: { name, parameters: { type: 'object' } } }));
      const step = await oa.chat.completions.create({ model: 'sim', tools, messages: [{ role: 'system', content: 'Say hi.\n\n## Mission goal\ntiny: hi' }] });
      expect(step.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: 'say', arguments: '{"word":"hi"}' } });
      expect(sim.stats().byPolicy).toEqual({ factory: 1, actor: 1 });
    } finally {
      await sim.close();
    }
  });

  it('registerWorld replaces a world of the same name; unregisterWorld removes it', () => {
    registerWorld(tinyWorld);
    registerWorld({ ...tinyWorld, summary: 'v2' });
    expect(registeredWorlds().map((w) => [w.name, w.summary])).toEqual([['tiny', 'v2']]);
    expect(unregisterWorld('tiny')).toBe(true);
    expect(unregisterWorld('tiny')).toBe(false);
  });

  it('chooseWorld prefers a world that claims the goal over a fallback, and skips worlds without the role', () => {
    expect(chooseWorld([catchAll, tinyWorld], 'tiny: a', 'planner')?.name).toBe('tiny');
    expect(chooseWorld([catchAll, tinyWorld], 'other', 'planner')?.name).toBe('catch-all');
    expect(chooseWorld([catchAll, tinyWorld], 'other', 'actor')).toBeUndefined();
  });

  it('rejects a world without a name or matches, and two worlds of one name, before listening', async () => {
    expect(() => registerWorld({ name: '', matches: () => true })).toThrow(SimOptionsError);
    expect(() => registerWorld({ name: 'x' } as SimWorld)).toThrow(/needs matches\(goal\)/);
    await expect(startSimServer({ worlds: [tinyWorld, tinyWorld] })).rejects.toThrow(/two sim worlds are named 'tiny'/);
  });

  it('loads world modules by path (as AIME_SIM_WORLDS names them) and says which module exports none', async () => {
    expect(await loadWorldModules(['./test/fixtures/tiny-world-module.ts'], new URL('..', import.meta.url).pathname)).toEqual(['tiny']);
    expect(registeredWorlds().map((w) => w.name)).toEqual(['tiny']);
    await expect(loadWorldModules(['./test/helpers.ts'], new URL('..', import.meta.url).pathname)).rejects.toThrow(/exports no sim world/);
    await expect(loadWorldModules(['@aime/no-such-world'])).rejects.toThrow(/cannot load the sim world module '@aime\/no-such-world'/);
  });
});

describe('answer timings', () => {
  it('reports each answered request with its policy and time, and no faulted one', async () => {
    const seen: Array<{ policy: string; ms: number; receivedAt: number; goal: string }> = [];
    const sim = await startSimServer({ worlds: [tinyWorld], onAnswer: (t) => seen.push({ policy: t.policy, ms: t.ms, receivedAt: t.receivedAt, goal: t.req.messages[1]?.content.split('\n')[1] ?? '' }) });
    try {
      const before = Date.now();
      await plan(sim.url, 'tiny: a');
      const req = plannerRequest('tiny: b');
      await expect(
        client(sim.url).chat.completions.create({ model: 'sim', messages: req.messages as never, response_format: req.response_format as never }, { headers: { 'x-sim-fault': 'server_error' } }),
      ).rejects.toMatchObject({ status: 500 });
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ policy: 'planner', goal: 'tiny: a' });
      expect(seen[0]!.receivedAt).toBeGreaterThanOrEqual(before);
      expect(seen[0]!.ms).toBeGreaterThanOrEqual(0);
    } finally {
      await sim.close();
    }
  });
});

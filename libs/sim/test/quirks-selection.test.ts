import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUIRK_KINDS, SimOptionsError, startSimServer, type SimServerHandle } from '../src/index.ts';
import { client, testPolicies } from './helpers.ts';

let sim: SimServerHandle;

beforeAll(async () => {
  sim = await startSimServer({ policies: testPolicies });
});
afterAll(async () => {
  await sim.close();
});

const tripBody = (text = 'plan Kyoto') => ({
  model: 'sim',
  messages: [{ role: 'user' as const, content: text }],
  response_format: { type: 'json_schema' as const, json_schema: { name: 'trip', schema: { type: 'object' } } },
});
const isFenced = (text: string | null | undefined) => /^```json\n[\s\S]*\n```$/.test(text ?? '');

/** The base URL of the same server with quirks in its path, as a per-role baseURL. */
const quirkURL = (handle: SimServerHandle, list: string) => handle.url.replace(/\/v1$/, `/quirks/${list}/v1`);

async function status(promise: Promise<unknown>): Promise<{ status?: number; message: string }> {
  return promise.then(
    () => ({ message: 'ok' }),
    (e: Error & { status?: number }) => ({ ...(e.status !== undefined ? { status: e.status } : {}), message: e.message }),
  );
}

describe('quirk selection', () => {
  it('applies the server quirks option to every request, several at once', async () => {
    const own = await startSimServer({ policies: testPolicies, quirks: ['fenced', 'cached_usage;share=0.8'] });
    try {
      const res = await client(own.url).chat.completions.create(tripBody());
      expect(isFenced(res.choices[0]?.message.content)).toBe(true);
      expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(Math.floor((res.usage?.prompt_tokens ?? 0) * 0.8));
      expect(own.stats().quirks).toEqual({ fenced: 1, cached_usage: 1 });
    } finally {
      await own.close();
    }
  });

  it('rejects an unknown quirk or a bad parameter in the option before listening', async () => {
    await expect(startSimServer({ quirks: ['fenced', 'sparkles'] })).rejects.toThrow(SimOptionsError);
    await expect(startSimServer({ quirks: ['sparkles'] })).rejects.toThrow(/unknown quirk 'sparkles' \(known: fenced, prose/);
    await expect(startSimServer({ quirks: ['cached_usage;share=2'] })).rejects.toThrow(/share must be a number in 0\.\.1/);
    await expect(startSimServer({ quirks: ['fenced;x=1'] })).rejects.toThrow(/takes no parameters/);
  });

  it('reads quirks from the x-sim-quirk header, a comma list', async () => {
    const res = await client(sim.url).chat.completions.create(tripBody(), { headers: { 'x-sim-quirk': 'fenced,reasoning_usage;tokens=7' } });
    expect(isFenced(res.choices[0]?.message.content)).toBe(true);
    expect(res.usage?.completion_tokens_details?.reasoning_tokens).toBe(7);
  });

  it('reads quirks from a [[sim-quirk:<list>]] marker in the last user message', async () => {
    const res = await client(sim.url).chat.completions.create(tripBody('plan [[sim-quirk:fenced,provider_cost]]'));
    expect(isFenced(res.choices[0]?.message.content)).toBe(true);
    expect((res.usage as OpenAI.CompletionUsage & { cost?: number }).cost).toBeGreaterThan(0);
  });

  it('reads a marker in the system message', async () => {
    const body = tripBody();
    const res = await client(sim.url).chat.completions.create({ ...body, messages: [{ role: 'system', content: 'be brief [[sim-quirk:prose]]' }, ...body.messages] });
    expect(res.choices[0]?.message.content).toMatch(/^Sure! Here is the plan:/);
  });

  it('gives each base URL path prefix its own quirks on one server (planner vs actor roles)', async () => {
    const planner = new OpenAI({ baseURL: quirkURL(sim, 'no_tools,fenced'), apiKey: 'sim', maxRetries: 0 });
    const actor = new OpenAI({ baseURL: quirkURL(sim, 'think'), apiKey: 'sim', maxRetries: 0 });
    const plan = await planner.chat.completions.create(tripBody());
    expect(isFenced(plan.choices[0]?.message.content)).toBe(true);
    const refused = await status(planner.chat.completions.create({ ...tripBody(), tools: [{ type: 'function', function: { name: 'noop' } }] }));
    expect(refused.status).toBe(400);
    const act = await actor.chat.completions.create({ model: 'sim', messages: [{ role: 'user', content: 'echo: hi' }] });
    expect(act.choices[0]?.message.content).toMatch(/^<think>[\s\S]*<\/think>\n\nYou said: hi$/);
    const plain = await client(sim.url).chat.completions.create(tripBody());
    expect(JSON.parse(plain.choices[0]?.message.content ?? '')).toEqual({ city: 'Kyoto', days: 2, note: 'plan Kyoto' });
  });

  it('takes parameters in the path prefix and lists models there too', async () => {
    const openai = new OpenAI({ baseURL: quirkURL(sim, 'length;limit=3'), apiKey: 'sim', maxRetries: 0 });
    const res = await openai.chat.completions.create(tripBody());
    expect(res.choices[0]?.finish_reason).toBe('length');
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toContain('sim');
  });

  it('joins every source; the more specific source sets the parameters of a quirk named twice', async () => {
    const own = await startSimServer({ policies: testPolicies, quirks: ['reasoning_usage;tokens=1'] });
    try {
      const openai = new OpenAI({ baseURL: quirkURL(own, 'reasoning_usage;tokens=2,fenced'), apiKey: 'sim', maxRetries: 0 });
      const viaPath = await openai.chat.completions.create(tripBody());
      expect(viaPath.usage?.completion_tokens_details?.reasoning_tokens).toBe(2);
      const viaHeader = await openai.chat.completions.create(tripBody(), { headers: { 'x-sim-quirk': 'reasoning_usage;tokens=3' } });
      expect(viaHeader.usage?.completion_tokens_details?.reasoning_tokens).toBe(3);
      expect(isFenced(viaHeader.choices[0]?.message.content)).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('answers 400 naming the known quirks for an unknown one in a header, marker or path', async () => {
    const header = await status(client(sim.url).chat.completions.create(tripBody(), { headers: { 'x-sim-quirk': 'fenced,sparkles' } }));
    expect(header.status).toBe(400);
    expect(header.message).toContain("unknown quirk 'sparkles'");
    expect(header.message).toContain(QUIRK_KINDS.join(', '));
    const marker = await status(client(sim.url).chat.completions.create(tripBody('[[sim-quirk:sparkles]]')));
    expect(marker.status).toBe(400);
    const path = await status(new OpenAI({ baseURL: quirkURL(sim, 'sparkles'), apiKey: 'sim', maxRetries: 0 }).chat.completions.create(tripBody()));
    expect(path.status).toBe(400);
    expect(path.message).toContain('known: fenced');
  });

  it('counts in stats only the quirks that changed an answer or refused a request', async () => {
    const own = await startSimServer({ policies: testPolicies });
    try {
      const openai = client(own.url);
      expect(own.stats().quirks).toBeUndefined();
      // fenced has nothing to do on a plain text answer.
      await openai.chat.completions.create({ model: 'sim', messages: [{ role: 'user', content: 'echo: x' }] }, { headers: { 'x-sim-quirk': 'fenced' } });
      await openai.chat.completions.create(tripBody(), { headers: { 'x-sim-quirk': 'fenced' } });
      await openai.chat.completions.create(tripBody(), { headers: { 'x-sim-quirk': 'fenced,think' } });
      await status(openai.chat.completions.create(tripBody(), { headers: { 'x-sim-quirk': 'no_json_schema' } }));
      expect(own.stats().quirks).toEqual({ fenced: 2, think: 1, no_json_schema: 1 });
    } finally {
      await own.close();
    }
  });
});

describe('sim CLI', () => {
  it('applies AIME_SIM_QUIRKS to every request', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, AIME_SIM_PORT: '0', AIME_SIM_QUIRKS: 'fenced,provider_cost;per1m=5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const hit = /listening on (\S+\/v1)/.exec(out);
          if (hit?.[1]) resolve(hit[1]);
        });
        child.once('exit', (code) => reject(new Error(`sim CLI exited with ${String(code)}: ${out}`)));
      });
      const res = await client(url).chat.completions.create({
        model: 'sim',
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_object' },
      });
      expect(isFenced(res.choices[0]?.message.content)).toBe(true);
      const usage = res.usage as OpenAI.CompletionUsage & { cost?: number };
      expect(usage.cost).toBeCloseTo((usage.total_tokens * 5) / 1e6, 12);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

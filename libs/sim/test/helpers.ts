import OpenAI from 'openai';
import { goalOf, section, type SimPolicy, type SimRequest, type SimWorld } from '../src/index.ts';

/** The last user message's text. */
export function lastUser(req: SimRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/** Policies for the tests: an echo, a weather tool user, and a structured trip answer. */
export const testPolicies: SimPolicy[] = [
  {
    name: 'trip-json',
    matches: (req) => req.response_format?.type === 'json_schema' && req.response_format.json_schema?.name === 'trip',
    answer: (req) => ({ content: JSON.stringify({ city: 'Kyoto', days: 2, note: lastUser(req).slice(0, 20) }) }),
  },
  {
    name: 'weather',
    matches: (req) => req.tools?.some((t) => t.function.name === 'get_weather') ?? false,
    answer: (req) => {
      const result = req.messages.find((m) => m.role === 'tool');
      if (result) return { content: `The weather report says: ${result.content}` };
      return { toolCalls: [{ name: 'get_weather', arguments: { city: 'Kyoto', unit: 'celsius' } }] };
    },
  },
  {
    name: 'echo',
    matches: (req) => lastUser(req).startsWith('echo:'),
    answer: (req) => ({ content: `You said: ${lastUser(req).slice('echo:'.length).trim()}` }),
  },
];

export const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'] },
  },
};

/** An official OpenAI client pointed at the sim, with its own retries off unless asked. */
export function client(url: string, opts: { maxRetries?: number; timeout?: number } = {}): OpenAI {
  return new OpenAI({ baseURL: url, apiKey: 'sim', maxRetries: opts.maxRetries ?? 0, ...(opts.timeout ? { timeout: opts.timeout } : {}) });
}

/** A request in the planner's form (the commander's prompt reduced to its goal and task table). */
export function plannerRequest(goal: string, table = '(empty)'): SimRequest {
  return {
    model: 'sim',
    messages: [
      { role: 'system', content: 'You are the Mission Commander.' },
      { role: 'user', content: `## Goal\n${goal}\n\n## Task table\n${table}\n\n## New since your last step\n(nothing new)` },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'planner_output' } },
  };
}

/**
 * A second demo world, made here from the sim's public interface alone: goals `tiny: a, b, c`
 * become one task per word ("Say <word>"); its factory picks the bundles the task names; its
 * actor calls `say` once and reports. What a plugin's world does, in a few lines.
 */
export const tinyWorld: SimWorld = {
  name: 'tiny',
  matches: (goal) => goal.startsWith('tiny:'),
  summary: 'say words, for goals written "tiny: a, b, c"',
  planner(req) {
    const goal = goalOf(req);
    const table = section(req.messages.find((m) => m.role === 'user')?.content ?? '', /task table/i) ?? '';
    if (table.includes('- id: ')) {
      const open = /status: (pending|ready|running)/.test(table);
      return { content: JSON.stringify({ thought: open ? 'wait' : 'done', operations: open ? [] : [{ op: 'finish', status: 'succeeded', answer: 'All words said.' }] }) };
    }
    const words = goal.slice('tiny:'.length).split(',').map((w) => w.trim()).filter(Boolean);
    const operations = words.map((w, i) => ({ op: 'add', task: { id: `say-${i + 1}`, title: `Say ${w}`, description: `Say ${w}.`, completionCriteria: `${w} was said.`, dependsOn: [] } }));
    return { content: JSON.stringify({ thought: `Say ${words.length} words.`, operations }) };
  },
  factory(req) {
    const text = req.messages.map((m) => m.content).join('\n');
    const task = section(text, /^## task/i) ?? '';
    const listed = [...(section(text, /bundles/i) ?? '').matchAll(/^- ([a-z0-9_-]+)/gim)].map((m) => m[1]!);
    return { content: JSON.stringify({ persona: { name: 'Sayer', role: 'Says words', traits: ['brief'] }, bundles: listed.filter((b) => task.includes(b)) }) };
  },
  actor(req) {
    const said = req.messages.find((m) => m.role === 'tool');
    if (said) return { toolCalls: [{ name: 'submit_report', arguments: { status: 'succeeded', summary: `Said: ${said.content}`, references: [] } }] };
    const word = /Say (\S+?)\./.exec(req.messages[0]?.content ?? '')?.[1] ?? '?';
    return { toolCalls: [{ name: 'say', arguments: { word } }] };
  },
};

import OpenAI from 'openai';
import type { SimPolicy, SimRequest } from '../src/index.ts';

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

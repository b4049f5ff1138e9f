import type { ToolResult } from '@aime/plugin-sdk';

/** How much of an observation an `actor.step` event carries. */
export const EVENT_OBSERVATION_CHARS = 4_000;

/** A tool result as the model reads it: the output as JSON, or `Error: <code>: <message>`. */
export function observationOf(result: ToolResult): string {
  if (result.ok) {
    if (typeof result.output === 'string') return result.output;
    return JSON.stringify(result.output ?? null) ?? 'null';
  }
  return `Error: ${result.error.toolCode ?? result.error.code}: ${result.error.message}`;
}

export function unknownToolObservation(name: string, available: string[]): string {
  return `Error: unknown tool "${name}". Available tools: ${available.join(', ')}`;
}

export function invalidArgsObservation(name: string, raw: string, reason?: string): string {
  const shown = raw.length > 500 ? `${raw.slice(0, 500)}…` : raw;
  return `Error: invalid_input: the arguments for ${name} are not valid JSON${reason ? ` (${reason})` : ''}: ${shown}. Send one JSON object that matches its schema.`;
}

/** Cuts long text for events, saying how much was left out. */
export function truncate(text: string, max = EVENT_OBSERVATION_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}

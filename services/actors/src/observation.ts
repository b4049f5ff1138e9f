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

/** Characters of an observation the actor model sees at most. @default 4000 */
export const DEFAULT_MAX_OBSERVATION_CHARS = 4_000;
/** Room kept under the cap for the note that says where the rest is. */
const NOTE_ROOM = 320;

/** How many characters of a stored text one page holds, for a given observation cap. */
export function pageChars(maxObservationChars: number): number {
  return Math.max(200, maxObservationChars - NOTE_ROOM);
}

/** The tool name and arguments to read `page` of a stored artifact, as the model should write them. */
export function readArtifactCall(artifactId: string, page: number): string {
  return `read_artifact({"id":"${artifactId}","page":${page}})`;
}

/**
 * An observation over the cap, cut to its first page, with a note saying how long the full
 * text is, where it is stored and how to read on. The result is at most `maxChars` long.
 */
export function cappedObservation(text: string, artifactId: string, maxChars: number): string {
  const size = pageChars(maxChars);
  const pages = Math.ceil(text.length / size);
  return `${text.slice(0, size)}\n[truncated: this shows characters 1-${size} of ${text.length}. The full text is stored as artifact ${artifactId} (${pages} pages); read the next part with ${readArtifactCall(artifactId, 2)}.]`;
}

/** How many pages a stored text has, for a given observation cap. */
export function pageCount(content: string, maxChars: number): number {
  return Math.max(1, Math.ceil(content.length / pageChars(maxChars)));
}

/**
 * One page (from 1) of a stored text, with a header saying where it is and a pointer to the
 * next page; at most `maxChars` long. Undefined when there is no such page.
 */
export function artifactPage(artifactId: string, name: string, content: string, page: number, maxChars: number): string | undefined {
  const size = pageChars(maxChars);
  const pages = pageCount(content, maxChars);
  if (page < 1 || page > pages) return undefined;
  const start = (page - 1) * size;
  const end = Math.min(content.length, start + size);
  const head = `[artifact ${artifactId} "${name}": page ${page} of ${pages}, characters ${start + 1}-${end} of ${content.length}]`;
  const tail = page < pages ? `\n[next: ${readArtifactCall(artifactId, page + 1)}]` : '\n[end of artifact]';
  return `${head}\n${content.slice(start, end)}${tail}`;
}

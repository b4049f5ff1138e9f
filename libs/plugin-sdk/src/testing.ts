import type { ArtifactRef } from '@aime/protocol';
import type { ToolContext, ToolLogger, WorldEventInfo } from './types.ts';

/** A `ToolContext` that keeps everything in memory, plus what the tool did with it. */
export interface MemoryToolContext extends ToolContext {
  readonly progressMessages: string[];
  readonly storedArtifacts: Array<{ ref: ArtifactRef; content: string }>;
  readonly logs: Array<{ level: keyof ToolLogger; msg: string; fields?: object }>;
  /** Outside events `worldEvents()` returns; push to add one. */
  readonly events: WorldEventInfo[];
}

/**
 * Builds an in-memory `ToolContext` for tests of tools and plugins (no Redis, no runtime).
 * Every field can be overridden.
 */
export function createMemoryToolContext(overrides: Partial<ToolContext> & { events?: WorldEventInfo[] } = {}): MemoryToolContext {
  const progressMessages: string[] = [];
  const storedArtifacts: Array<{ ref: ArtifactRef; content: string }> = [];
  const logs: MemoryToolContext['logs'] = [];
  const events = overrides.events ?? [];
  const log = (level: keyof ToolLogger) => (msg: string, fields?: object) => {
    logs.push(fields === undefined ? { level, msg } : { level, msg, fields });
  };
  const { events: _events, ...rest } = overrides;
  return {
    missionId: 'mission-test',
    taskId: 'task-test',
    actorId: 'actor-test',
    idempotencyKey: crypto.randomUUID(),
    signal: new AbortController().signal,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    progress: async (message) => {
      progressMessages.push(message);
    },
    artifacts: {
      put: async (name, content, mimeType = 'text/plain') => {
        const id = crypto.randomUUID();
        const ref: ArtifactRef = { id, name, mimeType, uri: `artifact:${id}`, size: content.length };
        storedArtifacts.push({ ref, content });
        return ref;
      },
    },
    mission: { goal: 'test mission', context: {} },
    worldEvents: async () => [...events],
    ...rest,
    progressMessages,
    storedArtifacts,
    logs,
    events,
  };
}

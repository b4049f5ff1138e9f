import type { Logger } from 'pino';
import type { ToolContext, ToolLogger, WorldEventInfo } from '@aime/plugin-sdk';
import { isKnownEvent } from '@aime/protocol';
import type { ActorStore } from '@aime/store';

/** pino's (fields, msg) order, behind the plugin SDK's (msg, fields) logger. */
export function toolLogger(log: Logger): ToolLogger {
  return {
    debug: (msg, fields) => log.debug(fields ?? {}, msg),
    info: (msg, fields) => log.info(fields ?? {}, msg),
    warn: (msg, fields) => log.warn(fields ?? {}, msg),
    error: (msg, fields) => log.error(fields ?? {}, msg),
  };
}

const PAGE = 500;

/** The mission's outside events (`world.event`), read incrementally: each call reads only what is new. */
export function worldEventReader(store: Pick<ActorStore, 'readEvents'>, missionId: string): () => Promise<WorldEventInfo[]> {
  const seen: WorldEventInfo[] = [];
  let after: string | undefined;
  return async () => {
    for (;;) {
      const page = await store.readEvents(missionId, { ...(after ? { after } : {}), limit: PAGE });
      for (const e of page) {
        after = e.id;
        if (isKnownEvent(e) && e.type === 'world.event') {
          seen.push({ id: e.id, message: e.data.message, ...(e.data.data ? { data: e.data.data } : {}) });
        }
      }
      if (page.length < PAGE) break;
    }
    return [...seen];
  };
}

export interface ToolContextBase {
  missionId: string;
  taskId: string;
  actorId: string;
  signal: AbortSignal;
  logger: ToolLogger;
  store: Pick<ActorStore, 'putArtifact'>;
  mission: { goal: string; context: Record<string, unknown> };
  progress(message: string): Promise<void>;
  worldEvents(): Promise<WorldEventInfo[]>;
}

/**
 * The context of one tool call. The idempotency key is stable across retries of the same step
 * and call, and bound to what is called (`digest` is `callDigest(tool, args)`): another tool
 * or other arguments at the same position never reuse a remembered side effect.
 */
export function toolContext(base: ToolContextBase, step: number, callIndex: number, digest: string): ToolContext {
  return {
    missionId: base.missionId,
    taskId: base.taskId,
    actorId: base.actorId,
    idempotencyKey: `${base.missionId}:${base.actorId}:${step}:${callIndex}:${digest.slice(0, 32)}`,
    signal: base.signal,
    logger: base.logger,
    progress: base.progress,
    artifacts: {
      put: (name, content, mimeType) => base.store.putArtifact(base.missionId, { name, content, ...(mimeType ? { mimeType } : {}) }),
    },
    mission: base.mission,
    worldEvents: base.worldEvents,
  };
}

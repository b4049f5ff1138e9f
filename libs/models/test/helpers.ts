import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer, type SimServerHandle, type SimServerOptions } from '@aime/sim';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { ChatTurn, NoticeLogger } from '../src/index.ts';

/** The planner's answer schema, as the commander asks for it. */
export const PLANNER_SCHEMA = {
  type: 'object',
  properties: { thought: { type: 'string' }, operations: { type: 'array', items: { type: 'object' } } },
  required: ['thought', 'operations'],
};

/** A planner step the sim's planner policy answers (a system prompt naming planner_output, a `## Goal`). */
export const PLANNER_TURNS: ChatTurn[] = [
  { role: 'system', content: 'You are the Mission Commander. Answer with one JSON object named planner_output.' },
  {
    role: 'user',
    content: [
      '## Goal',
      'Plan a 4-day trip Seoul → Tokyo → Kyoto from 2026-12-01 for 2 people, taking the Shinkansen from Tokyo to Kyoto on day 2',
      '',
      '## Progress list',
      '(no tasks yet: make the plan)',
    ].join('\n'),
  },
];

/** A logger that keeps every call, for asserting what was logged and how often. */
export function collectingLogger(): NoticeLogger & { calls: Array<{ level: 'warn' | 'info'; obj: object; msg: string }> } {
  const calls: Array<{ level: 'warn' | 'info'; obj: object; msg: string }> = [];
  return {
    calls,
    warn: (obj, msg) => void calls.push({ level: 'warn', obj, msg }),
    info: (obj, msg) => void calls.push({ level: 'info', obj, msg }),
  };
}

/** The request parameters of every chat-model call LangChain starts (what went on the wire). */
export class RequestRecorder extends BaseCallbackHandler {
  name = 'test-request-recorder';
  readonly params: Array<Record<string, unknown>> = [];
  constructor() {
    super();
    this.awaitHandlers = true;
  }
  override handleChatModelStart(_llm: unknown, _messages: unknown, _runId: string, _parent?: string, extra?: Record<string, unknown>): void {
    this.params.push((extra?.invocation_params ?? {}) as Record<string, unknown>);
  }
}

/** The sim base URL that applies `quirks` to every request made through it. */
export function quirkURL(sim: SimServerHandle, quirks: string): string {
  return sim.url.replace(/\/v1$/, `/quirks/${quirks}/v1`);
}

/**
 * A fresh sim per test: clean request counts, and a new port, so the process-wide
 * "log once" notices (keyed by endpoint) are not already spent by another test.
 */
export async function withSim<T>(opts: SimServerOptions, fn: (sim: SimServerHandle) => Promise<T>): Promise<T> {
  const sim = await startSimServer({ worlds: [travelWorld], ...opts });
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

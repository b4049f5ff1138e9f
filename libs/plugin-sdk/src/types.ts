import type { z } from 'zod';
import type { ArtifactRef } from '@aime/protocol';

/** The logger handed to tools and plugins; the runtime tags it with mission, task and actor. */
export interface ToolLogger {
  debug(msg: string, fields?: object): void;
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
}

/** An outside event (`world.event`) a mission has received. */
export interface WorldEventInfo {
  id: string;
  message: string;
  data?: Record<string, unknown>;
}

/** What a tool may use while it runs: identity, cancellation, progress, artifacts, the mission. */
export interface ToolContext {
  missionId: string;
  taskId: string;
  actorId: string;
  /** Stable across retries of the same actor step and call: use it to make side effects idempotent. */
  idempotencyKey: string;
  signal: AbortSignal;
  logger: ToolLogger;
  /** Shown as `actor.progress`. */
  progress(message: string): Promise<void>;
  artifacts: { put(name: string, content: string, mimeType?: string): Promise<ArtifactRef> };
  mission: { goal: string; context: Record<string, unknown> };
  /** Outside events (world.event) the mission has received so far, oldest first. */
  worldEvents(): Promise<WorldEventInfo[]>;
}

/** How a tool touches the world; decides whether a retry may repeat it. */
export type ToolSideEffects = 'none' | 'idempotent' | 'external';

/** A tool: a typed input schema and a function. Create it with `defineTool`. */
export interface ToolDefinition<I extends z.ZodType = z.ZodType, O = unknown> {
  /** 1..64 of `[a-zA-Z0-9_-]` (what OpenAI-style function calling accepts). */
  name: string;
  /** Written for the model: what the tool does and when to use it. */
  description: string;
  /** Schema of the input; advertised to the model as JSON Schema. Must describe an object. */
  input: I;
  /**
   * The JSON Schema advertised to the model instead of the one derived from `input`. For
   * tools whose schema is JSON Schema to begin with (MCP servers), so the model sees it
   * exactly as written; `input` still validates the call. Must describe an object.
   */
  inputJsonSchema?: Record<string, unknown>;
  /** When set, the output is validated against it. */
  output?: z.ZodType<O>;
  sideEffects: ToolSideEffects;
  /** An operator must approve each call. @default false */
  requiresApproval?: boolean;
  /** @default 30000 */
  timeoutMs?: number;
  run(input: z.output<I>, ctx: ToolContext): Promise<O> | O;
}

/** A named set of tools an actor is given together (AIME's tool bundles). */
export interface BundleDefinition {
  name: string;
  description: string;
  tools: ToolDefinition[];
}

/** What a plugin's `setup` receives from the worker that loads it. */
export interface PluginSetupContext {
  redisUrl: string;
  /** Prefix for every Redis key the plugin writes (tests use a random one). */
  keyPrefix: string;
  logger: ToolLogger;
  config: Record<string, unknown>;
}

/** A plugin: bundles of tools plus an optional lifecycle. Create it with `definePlugin`. */
export interface PluginDefinition {
  name: string;
  version: string;
  bundles: BundleDefinition[];
  setup?(ctx: PluginSetupContext): Promise<void> | void;
  teardown?(): Promise<void> | void;
}

/** Codes of a failed tool call, as the runtime and the model see them. */
export type ToolFailureCode = 'invalid_input' | 'timeout' | 'aborted' | 'tool_failed' | 'invalid_output';

/**
 * The outcome of `runTool`. `retryable` and `toolCode` are set when the tool threw a
 * `ToolError` (its own code, e.g. `sold_out`).
 */
export type ToolResult =
  | { ok: true; output: unknown }
  | { ok: false; error: { code: ToolFailureCode; message: string; retryable?: boolean; toolCode?: string } };

import type { z } from 'zod';
import type { Cluster, Redis } from 'ioredis';
import type { ArtifactRef } from '@aime/protocol';
import type { ToolEstimator } from './effects.ts';

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
  /**
   * An operator must approve each call (`true`), or the calls this predicate of the validated
   * input picks (as the OpenAI Agents SDK's `needsApproval`). Input is validated first, so a call
   * with wrong arguments fails `invalid_input` without asking anyone. The predicate must be pure:
   * it runs again when the actor resumes after the decision. @default false
   */
  requiresApproval?: boolean | ApprovalPredicate<z.output<I>>;
  /** What a call would cost, shown to the operator when the call needs approval. */
  estimate?: ToolEstimator<z.output<I>>;
  /** @default 30000 */
  timeoutMs?: number;
  /**
   * Where the tool's code runs. `'worker'`: in a worker thread with a heap limit, terminated
   * at the timeout, so a runaway computation cannot block or crash the process. Set by
   * `defineTool` from a `WorkerToolDefinition`. @default 'inline'
   */
  isolation?: ToolIsolation;
  /** The module the worker thread runs, when `isolation` is `'worker'`. */
  worker?: WorkerToolModule;
  run(input: z.output<I>, ctx: ToolContext): Promise<O> | O;
}

/** `'inline'`: on the worker's event loop; `'worker'`: in a `node:worker_threads` Worker. */
export type ToolIsolation = 'inline' | 'worker';

/**
 * The code of a tool that runs in a worker thread. A function cannot cross into a thread,
 * so the thread imports `module` and calls its export `export` as `(input, info)`.
 */
export interface WorkerToolModule {
  /**
   * The module, as a `file:` URL or an absolute path: `new URL('./my-tool.ts', import.meta.url)`.
   * `.ts`/`.mts` modules are loaded through tsx; plain `.js`/`.mjs` start fastest.
   */
  module: string | URL;
  /** Name of the exported function, `(input, info: WorkerToolInfo) => output`. */
  export: string;
  /** Heap limit of the thread (V8 old generation), in MB, 16..4096. @default 128 */
  maxOldGenerationSizeMb?: number;
  /** Results whose JSON is longer are refused with `result_too_large`, 1..10,000,000. @default 1000000 */
  maxResultChars?: number;
}

/** What the exported function of a worker tool receives besides its input (plain data only). */
export interface WorkerToolInfo {
  toolName: string;
  missionId: string;
  taskId: string;
  actorId: string;
  idempotencyKey: string;
}

/**
 * A tool whose code runs in a worker thread: a `ToolDefinition` with `isolation: 'worker'` and
 * `worker` in place of `run`. Input and output cross the thread as JSON (validated on the main
 * side as usual); the function gets no `ToolContext`, only `WorkerToolInfo`.
 */
export interface WorkerToolDefinition<I extends z.ZodType = z.ZodType, O = unknown> extends Omit<ToolDefinition<I, O>, 'run' | 'isolation' | 'worker'> {
  isolation: 'worker';
  worker: WorkerToolModule;
  run?: never;
}

/** Who asks for a tool call, handed to an approval predicate. */
export interface ToolCallInfo {
  missionId: string;
  taskId: string;
  actorId: string;
}

/**
 * Decides from a call's validated input whether an operator must approve it. (Declared as a
 * method, so a tool with a specific input still fits where any `ToolDefinition` is expected.)
 */
export type ApprovalPredicate<T = unknown> = { check(input: T, call: ToolCallInfo): boolean | Promise<boolean> }['check'];

/** A named set of tools an actor is given together (AIME's tool bundles). */
export interface BundleDefinition {
  name: string;
  description: string;
  tools: ToolDefinition[];
}

/**
 * The plugin's own Redis key namespace under the runtime's prefix: `<prefix>plugin:<name>:`.
 * Keys of one mission carry its hash tag, so they sit in the mission's Redis Cluster slot and
 * can be registered to expire with it.
 */
export interface PluginKeys {
  /** `<prefix>plugin:<name>:`, the start of every key of the plugin. */
  readonly prefix: string;
  /** A key of the plugin not tied to a mission: `<prefix>plugin:<name>:<parts joined by ':'>`. */
  key(...parts: string[]): string;
  /** A key of one mission's data: `<prefix>plugin:<name>:{<missionId>}:<parts joined by ':'>`. */
  missionKey(missionId: string, ...parts: string[]): string;
  /** The SCAN pattern of every key of one mission (`missionKey(missionId, '*')`, glob characters escaped). */
  missionPattern(missionId: string): string;
  /**
   * The mission store's set of keys owned by the mission (`<prefix>{<missionId>}:owned`). Add a
   * mission key to it (SADD) and retention expires the key with the mission's own keys.
   */
  ownedSet(missionId: string): string;
}

/** What a plugin's `setup` (or factory) receives from the worker that loads it. */
export interface PluginSetupContext {
  /** The runtime's Redis; on a Redis Cluster the comma list of seed nodes. Prefer `connectRedis`. */
  redisUrl: string;
  /** The runtime runs on a Redis Cluster (`AIME_REDIS_CLUSTER=1`): keep multi-key commands within one hash tag. */
  redisCluster?: boolean;
  /**
   * Opens a connection to the runtime's Redis with its reconnect settings: an ioredis `Cluster`
   * when the runtime runs on one, else a `Redis`. The plugin closes it in `teardown`. Set by the
   * actor worker; absent in contexts built by hand.
   */
  connectRedis?(opts?: { maxRetriesPerRequest?: number | null; lazyConnect?: boolean }): Redis | Cluster;
  /** The runtime's prefix of every Redis key (tests use a random one). Prefer `keys`. */
  keyPrefix: string;
  /** The plugin's own key namespace under `keyPrefix`. */
  keys: PluginKeys;
  logger: ToolLogger;
  config: Record<string, unknown>;
  /** The folder the plugin's config entry is relative to (the config file's folder). @default process.cwd() */
  baseDir?: string;
}

/** A mission that ended, as `onMissionEnd` receives it. */
export interface MissionEndInfo {
  missionId: string;
  /** The plugin's key namespace, to find the mission's data by. */
  keys: PluginKeys;
}

/** A plugin: bundles of tools plus an optional lifecycle. Create it with `definePlugin`. */
export interface PluginDefinition {
  name: string;
  version: string;
  bundles: BundleDefinition[];
  /**
   * The keys its `config` (from `aime.config.*`) may hold; the worker warns at start about any
   * other key, naming it, instead of ignoring it. Unset: the config is not checked.
   */
  configKeys?: readonly string[];
  setup?(ctx: PluginSetupContext): Promise<void> | void;
  teardown?(): Promise<void> | void;
  /**
   * Called once per mission that ends (succeeded, failed or cancelled), by one worker serving
   * the plugin, to clean or archive the plugin's data of that mission. A failure is logged.
   * Keys registered in `keys.ownedSet(missionId)` expire with the mission in any case.
   */
  onMissionEnd?(info: MissionEndInfo): Promise<void> | void;
}

/** What a plugin factory returns: a plugin definition, its setup done by the factory itself. */
export type PluginInstance = Omit<PluginDefinition, 'setup'>;

/**
 * A plugin written as a factory of its config and setup context: what it creates (a client,
 * a cache) reaches the tools through the closure, with no module-level variables. Create it
 * with `definePlugin((config, ctx) => ({ name, version, bundles }))`; the worker calls it once
 * at start, where an object plugin's `setup` runs.
 */
export interface PluginFactory {
  readonly kind: 'aime-plugin-factory';
  /** Runs the factory and checks what it returns. `ctx.keys` is named after the returned plugin. @throws PluginError */
  create(ctx: Omit<PluginSetupContext, 'keys'>): Promise<PluginDefinition>;
}

/** Either form of plugin a module may export. */
export type PluginModule = PluginDefinition | PluginFactory;

/** Codes of a failed tool call, as the runtime and the model see them. */
export type ToolFailureCode = 'invalid_input' | 'timeout' | 'aborted' | 'tool_failed' | 'invalid_output';

/**
 * The outcome of `runTool`. `retryable` and `toolCode` are set when the tool threw a
 * `ToolError` (its own code, e.g. `sold_out`).
 */
export type ToolResult =
  | { ok: true; output: unknown }
  | { ok: false; error: { code: ToolFailureCode; message: string; retryable?: boolean; toolCode?: string } };

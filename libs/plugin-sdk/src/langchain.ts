import { toJsonSchema, Validator } from '@langchain/core/utils/json_schema';
import { z } from 'zod';
import { errorMessage } from '@aime/protocol';
import { defineBundle, defineTool } from './define.ts';
import { PluginError, ToolError } from './errors.ts';
import type { ApprovalPredicate, BundleDefinition, ToolDefinition, ToolSideEffects } from './types.ts';

/**
 * What the adapter needs of a LangChain tool: `StructuredTool`, `DynamicStructuredTool`,
 * `DynamicTool` and what `tool()` from `@langchain/core/tools` returns all have it. Typed
 * structurally, so any copy of `@langchain/core` (and zod 3 or 4) will do.
 */
export interface LangChainToolLike {
  name: string;
  description: string;
  /** A zod schema (3 or 4), a Standard JSON Schema or a JSON Schema object. */
  schema: unknown;
  invoke(input: unknown, config?: Record<string, unknown>): Promise<unknown>;
}

/** A LangChain toolkit (`BaseToolkit`): something with `getTools()` or a `tools` array. */
export type LangChainToolkitLike = { getTools(): LangChainToolLike[] } | { tools: LangChainToolLike[] };

/** How a LangChain tool behaves in the runtime; LangChain tools do not say it themselves. */
export interface LangChainToolOptions {
  /** Tool name the model sees. @default the tool's name, with characters outside [a-zA-Z0-9_-] replaced by `_` */
  name?: string;
  /** @default the tool's description */
  description?: string;
  /**
   * How the tool touches the world; `'external'` calls are never repeated by a retry of the
   * step without their idempotency key. @default 'external' (the adapter cannot know)
   */
  sideEffects?: ToolSideEffects;
  /** Shorthand for `sideEffects: 'idempotent'` when true. */
  idempotent?: boolean;
  /** `true`, or a predicate of the validated input, as for native tools. @default false */
  requiresApproval?: boolean | ApprovalPredicate<Record<string, unknown>>;
  /** @default 30000 */
  timeoutMs?: number;
}

/** Options of {@link fromLangChainToolkit}: the bundle, defaults for every tool, and per-tool overrides by LangChain name. */
export interface LangChainToolkitOptions extends Omit<LangChainToolOptions, 'name' | 'description'> {
  /** Bundle name, 1..64 of [a-zA-Z0-9_-]. */
  bundle: string;
  /** For the Actor Factory, which picks bundles by it. */
  description: string;
  /** Overrides per tool, keyed by the tool's LangChain name. */
  tools?: Record<string, LangChainToolOptions>;
}

const BAD_NAME_CHARS = /[^a-zA-Z0-9_-]/g;
const ARGS = z.record(z.string(), z.unknown());

interface SafeParsing {
  safeParseAsync(value: unknown): Promise<{ success: true } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } }>;
}

const isZodLike = (schema: unknown): schema is SafeParsing => typeof (schema as { safeParseAsync?: unknown } | null)?.safeParseAsync === 'function';

/** `#/rooms/0/nights` → `['rooms', 0, 'nights']` */
function pointerPath(location: string): PropertyKey[] {
  return location
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * A zod schema that checks arguments with the tool's own schema and hands them on unchanged
 * (the tool's `invoke` parses them again, as it would for a LangChain agent).
 */
function argumentsSchema(where: string, schema: unknown, json: Record<string, unknown>): z.ZodType<Record<string, unknown>> {
  if (isZodLike(schema)) {
    return ARGS.superRefine(async (value, ctx) => {
      const r = await schema.safeParseAsync(value);
      if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    });
  }
  let validator: Validator;
  try {
    validator = new Validator(json as ConstructorParameters<typeof Validator>[0], '7', false);
  } catch (err) {
    throw new PluginError('invalid_tool', `${where}: its JSON Schema cannot be used for validation: ${(err as Error).message}`);
  }
  return ARGS.superRefine((value, ctx) => {
    const r = validator.validate(value);
    if (r.valid) return;
    // The deepest errors say what is wrong; the outer ones only that something below is.
    const leaves = r.errors.filter((e) => !r.errors.some((o) => o !== e && o.instanceLocation.startsWith(`${e.instanceLocation}/`)));
    for (const e of leaves.length ? leaves : r.errors) ctx.addIssue({ code: 'custom', message: e.error, path: pointerPath(e.instanceLocation) });
  });
}

/** The advertised JSON Schema of a LangChain tool's input, always an object schema. */
function jsonSchemaOf(where: string, schema: unknown): Record<string, unknown> {
  let json: Record<string, unknown>;
  try {
    // As for native tools: what the model must send (fields with defaults are optional).
    json = toJsonSchema(schema as Parameters<typeof toJsonSchema>[0], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch (err) {
    throw new PluginError('invalid_tool', `${where}: its schema cannot be turned into JSON Schema: ${(err as Error).message}`);
  }
  const { $schema: _dialect, ...own } = json;
  if (own.type !== 'object') {
    throw new PluginError('invalid_tool', `${where}: its schema must describe an object (models pass tool arguments as a JSON object), got type ${JSON.stringify(own.type ?? 'any')}`);
  }
  return own;
}

/** The tool's answer as the model should read it: a ToolMessage's content, else the value itself. */
function outputOf(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'content' in value && 'tool_call_id' in value) return (value as { content: unknown }).content;
  return value;
}

/**
 * Turns a LangChain tool (`StructuredTool`, `DynamicStructuredTool`, `tool()`; zod or JSON Schema
 * input) into a tool of this runtime: its input is validated before any approval is asked and
 * before it runs, it gets the runtime's timeout and cancellation (as `signal`), and it is
 * invoked with the call's idempotency key in `config.configurable.idempotencyKey` and the
 * mission, task and actor in `config.metadata`. An error it throws becomes `tool_failed`, for the model.
 * @throws PluginError `invalid_tool` for a tool without a usable name, description or object schema.
 */
export function fromLangChainTool(lcTool: LangChainToolLike, opts: LangChainToolOptions = {}): ToolDefinition {
  if (typeof lcTool !== 'object' || lcTool === null || typeof lcTool.invoke !== 'function') {
    throw new PluginError('invalid_tool', `fromLangChainTool expects a LangChain tool (with name, description, schema and invoke), got ${String(lcTool)}`);
  }
  const name = opts.name ?? String(lcTool.name ?? '').replace(BAD_NAME_CHARS, '_').slice(0, 64);
  const where = `LangChain tool "${String(lcTool.name)}"`;
  const inputJsonSchema = jsonSchemaOf(where, lcTool.schema);
  const sideEffects: ToolSideEffects = opts.sideEffects ?? (opts.idempotent ? 'idempotent' : 'external');
  return defineTool({
    name,
    description: opts.description ?? lcTool.description,
    input: argumentsSchema(where, lcTool.schema, inputJsonSchema),
    inputJsonSchema,
    sideEffects,
    ...(opts.requiresApproval !== undefined ? { requiresApproval: opts.requiresApproval } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    run: async (input, ctx) => {
      try {
        const out = await lcTool.invoke(input, {
          signal: ctx.signal,
          runName: name,
          metadata: { missionId: ctx.missionId, taskId: ctx.taskId, actorId: ctx.actorId },
          configurable: { idempotencyKey: ctx.idempotencyKey },
        });
        return outputOf(out);
      } catch (err) {
        if (err instanceof ToolError) throw err;
        const message = errorMessage(err);
        throw new ToolError('langchain_tool_failed', `${name} failed: ${message}`, { cause: err });
      }
    },
  });
}

/** The tools of a toolkit or array. */
function toolsOf(source: LangChainToolkitLike | LangChainToolLike[]): LangChainToolLike[] {
  if (Array.isArray(source)) return source;
  if (typeof source === 'object' && source !== null) {
    if ('getTools' in source && typeof source.getTools === 'function') return source.getTools();
    if ('tools' in source && Array.isArray(source.tools)) return source.tools;
  }
  throw new PluginError('invalid_bundle', 'fromLangChainToolkit expects a LangChain toolkit (getTools() or tools) or an array of LangChain tools');
}

/**
 * Turns a LangChain toolkit, or an array of LangChain tools, into one bundle. Options at the top
 * apply to every tool; `tools[<LangChain name>]` overrides them for one.
 * @throws PluginError for an invalid bundle or tool, or an override naming no tool of the toolkit.
 */
export function fromLangChainToolkit(source: LangChainToolkitLike | LangChainToolLike[], opts: LangChainToolkitOptions): BundleDefinition {
  const { bundle, description, tools: overrides = {}, ...defaults } = opts;
  const tools = toolsOf(source);
  const names = new Set(tools.map((t) => t.name));
  const unknown = Object.keys(overrides).filter((n) => !names.has(n));
  if (unknown.length > 0) {
    throw new PluginError('invalid_bundle', `bundle "${bundle}": options name tools the toolkit does not have: ${unknown.join(', ')} (it has ${[...names].join(', ') || 'none'})`);
  }
  return defineBundle({ name: bundle, description, tools: tools.map((t) => fromLangChainTool(t, { ...defaults, ...overrides[t.name] })) });
}

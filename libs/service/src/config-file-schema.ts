import { z } from 'zod';
import { ModelsFileSection } from '@aime/models';

/** A `plugins` entry of the config file: a module specifier, or one with the config its `setup` receives. */
export const PluginEntry = z.union([
  z.string().trim().min(1),
  z.strictObject({ module: z.string().trim().min(1), config: z.record(z.string(), z.unknown()).optional() }),
]);
export type PluginEntry = z.infer<typeof PluginEntry>;

const ServerName = z.string().regex(/^[a-zA-Z0-9_-]{1,60}$/, 'must be 1..60 characters of [a-zA-Z0-9_-] (it becomes the bundle name mcp-<name>)');

/**
 * An `mcpServers` entry: a server started as a child process (stdio) or reached over
 * streamable HTTP. `@aime/mcp` validates the details when it connects.
 */
export const McpServerEntry = z.union([
  z.strictObject({
    name: ServerName,
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    autoApprove: z.array(z.string()).optional(),
  }),
  z.strictObject({ name: ServerName, url: z.string().min(1), headers: z.record(z.string(), z.string()).optional(), autoApprove: z.array(z.string()).optional() }),
]);
export type McpServerEntry = z.infer<typeof McpServerEntry>;

/** The `approvals` section: tools every call of which waits for an operator, by name or glob, whatever plugin serves them. */
export const ApprovalPolicyFile = z.strictObject({
  require: z.array(z.string().trim().min(1)).default([]),
  except: z.array(z.string().trim().min(1)).default([]),
});
export type ApprovalPolicyFile = z.infer<typeof ApprovalPolicyFile>;

/** The content of `aime.config.json` / the default export of `aime.config.ts|js`. */
export const AimeConfigFile = z.strictObject({
  plugins: z
    .array(PluginEntry)
    .optional()
    .describe('Plugins an actor worker loads: a package name or path (relative to the file), or `{ module, config }` where `config` is handed to the plugin\'s setup. AIME_PLUGINS replaces the list. Default: @aime/plugin-travel and @aime/plugin-builtin.'),
  mcpServers: z
    .array(McpServerEntry)
    .optional()
    .describe('MCP servers whose tools become a bundle `mcp-<name>`: `{ name, command, args?, env?, cwd?, autoApprove? }` (stdio) or `{ name, url, headers?, autoApprove? }` (streamable HTTP).'),
  approvals: ApprovalPolicyFile.optional().describe('Tools that need an operator\'s approval for every call, by name or glob, for any plugin\'s tools: `{ "require": ["book_*", "http_post"], "except": ["book_hotel"] }`.'),
  models: ModelsFileSection.optional().describe('Model settings per role (`default`, `planner`, `factory`, `actor`); the environment wins over them (see the keys below and docs/models.md).'),
});
export type AimeConfigFile = z.infer<typeof AimeConfigFile>;

/** What each key of a `models.<role>` entry means, for docs/configuration.md. */
export const MODEL_FILE_KEYS: Readonly<Record<string, string>> = {
  model: 'The model: `sim` or `openai:<model>` (env AIME_<ROLE>_MODEL, AIME_MODEL).',
  baseURL: 'The OpenAI-compatible endpoint (env AIME_<ROLE>_BASE_URL, OPENAI_BASE_URL).',
  apiKeyEnv: 'The name of the environment variable that holds the key (the file holds no secret).',
  temperature: 'A number 0..2.',
  maxTokens: 'Completion token limit, an integer 1..1000000.',
  timeoutMs: 'Call timeout per attempt, an integer 1..3600000.',
  reasoningEffort: 'minimal, low, medium or high.',
  outputMode: 'json_schema, json_object, tool or prompt.',
  contextWindow: 'Context window in tokens, an integer 256..10000000.',
};

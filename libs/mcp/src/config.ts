import { z } from 'zod';

/** Server names become the bundle name `mcp-<name>`, so they follow bundle-name rules. */
const ServerName = z.string().regex(/^[a-zA-Z0-9_-]{1,60}$/, 'must be 1..60 characters of [a-zA-Z0-9_-] (it becomes the bundle name mcp-<name>)');

/**
 * Tools of the server (by their MCP name) that run without an operator's approval although
 * the server does not mark them `readOnlyHint: true`. Every other tool needs approval.
 * @default []
 */
const AutoApprove = z.array(z.string().min(1).max(200)).max(1000).optional();

/** An MCP server started as a child process and spoken to over its stdin/stdout. */
export const McpStdioServerConfig = z.strictObject({
  name: ServerName,
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  /** Added to a small safe default environment (PATH, HOME...), not to the whole of ours: secrets stay put. */
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().min(1).optional(),
  autoApprove: AutoApprove,
});
export type McpStdioServerConfig = z.infer<typeof McpStdioServerConfig>;

/** An MCP server reached over streamable HTTP. */
export const McpHttpServerConfig = z.strictObject({
  name: ServerName,
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).optional(),
  autoApprove: AutoApprove,
});
export type McpHttpServerConfig = z.infer<typeof McpHttpServerConfig>;

/** One `mcpServers` entry of `aime.config.*`. */
export const McpServerConfig = z.union([McpStdioServerConfig, McpHttpServerConfig]);
export type McpServerConfig = z.infer<typeof McpServerConfig>;

/** Where a server lives, for messages: never the env or headers, which may hold secrets. */
export function describeServer(server: McpServerConfig): string {
  if ('url' in server) {
    try {
      const url = new URL(server.url);
      return `${url.protocol}//${url.host}${url.pathname}`;
    } catch {
      return '(invalid url)';
    }
  }
  return [server.command, ...(server.args ?? [])].join(' ');
}

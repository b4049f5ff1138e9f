import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_TOOL_TIMEOUT_MS, definePlugin, PluginError, ToolError, type PluginDefinition, type ToolDefinition, type ToolLogger } from '@aime/plugin-sdk';
import { errorMessage, formatIssues } from '@aime/protocol';
import { describeServer, McpServerConfig } from './config.ts';
import { toolOutput } from './content.ts';
import { openTransport } from './transport.ts';
import { mcpTool, safeToolName, type McpCall, type McpToolInfo } from './tools.ts';

/** Options of `loadMcpPlugin`. */
export interface LoadMcpPluginOptions {
  /** Receives connection events and the server's stderr lines (messages only, so a pino logger works too). @default silent */
  logger?: ToolLogger;
  /** Limit for starting, connecting and listing tools. @default 10000 */
  timeoutMs?: number;
  /** Per-call limit of every tool of the server. @default DEFAULT_TOOL_TIMEOUT_MS (30000) */
  toolTimeoutMs?: number;
}

/** Default limit for start, connect and `tools/list`. */
export const DEFAULT_MCP_START_TIMEOUT_MS = 10_000;
/** Instructions longer than this are cut in the bundle description the factory reads. */
const MAX_DESCRIPTION_CHARS = 1_000;
const CLIENT_INFO = { name: 'aime-runtime', version: '0.1.0' };

const silent: ToolLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Connection {
  client: Client;
  /** Set when the transport closed without us asking: the next call reconnects. */
  lost: boolean;
}

/**
 * Connects to an MCP server (stdio or streamable HTTP), lists its tools and returns a plugin
 * with one bundle `mcp-<name>` whose tools call the server. The plugin's `teardown` closes
 * the connection (and stops a stdio server). A connection lost later is re-opened on the
 * next call.
 *
 * @throws PluginError `invalid_mcp_server` (bad config), `mcp_start_failed` (naming the
 *   server and the cause, with the tail of a stdio server's stderr), `mcp_no_tools`.
 */
export async function loadMcpPlugin(server: McpServerConfig, opts: LoadMcpPluginOptions = {}): Promise<PluginDefinition> {
  const parsed = McpServerConfig.safeParse(server);
  const label = typeof (server as { name?: unknown } | null)?.name === 'string' ? (server as { name: string }).name : '(unnamed)';
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues, { style: 'inline', root: '(config)' });
    throw new PluginError('invalid_mcp_server', `MCP server "${label}": invalid config: ${issues}`);
  }
  const config = parsed.data;
  const logger = opts.logger ?? silent;
  const startTimeoutMs = opts.timeoutMs ?? DEFAULT_MCP_START_TIMEOUT_MS;
  const toolTimeoutMs = opts.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const where = `MCP server "${config.name}" (${describeServer(config)})`;

  let closed = false;
  const connect = async (): Promise<Connection> => {
    const opened = openTransport(config, (line) => logger.debug(`mcp ${config.name}: ${line}`));
    const client = new Client(CLIENT_INFO);
    const conn: Connection = { client, lost: false };
    try {
      await client.connect(opened.transport, { timeout: startTimeoutMs });
    } catch (err) {
      await client.close().catch(() => undefined);
      const stderr = opened.stderrTail();
      throw new PluginError('mcp_start_failed', `${where} failed to start: ${errorMessage(err)}${stderr ? `\nserver stderr:\n${stderr}` : ''}`);
    }
    client.onclose = () => {
      if (!closed) {
        conn.lost = true;
        logger.warn(`mcp ${config.name}: connection closed; the next call reconnects`);
      }
    };
    return conn;
  };

  let current = await connect();
  let tools: McpToolInfo[];
  try {
    tools = await listAllTools(current.client, startTimeoutMs);
  } catch (err) {
    await current.client.close().catch(() => undefined);
    throw new PluginError('mcp_start_failed', `${where} connected but listing its tools failed: ${errorMessage(err)}`);
  }
  if (tools.length === 0) {
    await current.client.close().catch(() => undefined);
    throw new PluginError('mcp_no_tools', `${where} lists no tools, so it would serve an empty bundle`);
  }

  let reconnecting: Promise<Connection> | undefined;
  const live = async (): Promise<Connection> => {
    if (!current.lost) return current;
    reconnecting ??= connect().then(
      (conn) => {
        current = conn;
        reconnecting = undefined;
        return conn;
      },
      (err: unknown) => {
        reconnecting = undefined;
        throw err;
      },
    );
    return reconnecting;
  };

  const call: McpCall = async (name, args, { signal, timeoutMs }) => {
    if (closed) throw new ToolError('mcp_unavailable', `${where} is shut down`);
    let conn: Connection;
    try {
      conn = await live();
    } catch (err) {
      throw new ToolError('mcp_unavailable', `${where} is not reachable: ${errorMessage(err)}`, { retryable: true });
    }
    let result: unknown;
    try {
      // The SDK's own timeout is set past ours, so the runtime's timeout message is the one the model reads.
      result = await conn.client.callTool({ name, arguments: args }, undefined, { signal, timeout: timeoutMs + 1_000 });
    } catch (err) {
      if (signal.aborted) throw err;
      if (err instanceof McpError) throw new ToolError('mcp_error', `${name} (MCP server ${config.name}): ${err.message}`);
      throw new ToolError('mcp_unavailable', `${name} (MCP server ${config.name}) could not be called: ${errorMessage(err)}`, { retryable: true });
    }
    return toolOutput(name, result);
  };

  const taken = new Set<string>();
  const definitions: ToolDefinition[] = tools.map((tool) => {
    const name = safeToolName(tool.name, taken);
    taken.add(name);
    if (name !== tool.name) logger.info(`mcp ${config.name}: tool "${tool.name}" is offered as "${name}"`);
    return mcpTool(tool, name, config.name, call, toolTimeoutMs, config.autoApprove);
  });

  const version = current.client.getServerVersion();
  const description = (current.client.getInstructions()?.trim() || version?.title || `Tools of the MCP server ${version?.name ?? config.name}`).slice(0, MAX_DESCRIPTION_CHARS);
  // Message-only log calls: callers pass a ToolLogger or a pino logger, whose second argument means different things.
  logger.info(`mcp ${config.name}: connected to ${describeServer(config)}, tools: ${[...taken].join(', ')}`);

  return definePlugin({
    name: `mcp-${config.name}`,
    version: version?.version?.trim() || '0.0.0',
    bundles: [{ name: `mcp-${config.name}`, description, tools: definitions }],
    async teardown() {
      if (closed) return;
      closed = true;
      await reconnecting?.catch(() => undefined);
      await current.client.close();
    },
  });
}

/** Every tool of the server, following `nextCursor` pages. */
async function listAllTools(client: Client, timeoutMs: number): Promise<McpToolInfo[]> {
  const out: McpToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
    out.push(...(page.tools as McpToolInfo[]));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

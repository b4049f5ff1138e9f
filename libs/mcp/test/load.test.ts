import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryToolContext, PluginError, runTool, toolInfo, type PluginDefinition, type ToolDefinition } from '@aime/plugin-sdk';
import { loadMcpPlugin } from '@aime/mcp';
import { startHttpTestServer } from './fixtures/http-server.ts';
import { TEST_SERVER_INSTRUCTIONS } from './fixtures/test-server.ts';

const STDIO_SERVER = fileURLToPath(new URL('./fixtures/stdio-server.ts', import.meta.url));
const stdioConfig = (name = 'tests') => ({ name, command: process.execPath, args: ['--import', 'tsx', STDIO_SERVER] });

function tool(plugin: PluginDefinition, name: string): ToolDefinition {
  const found = plugin.bundles[0]?.tools.find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name} in ${plugin.name}`);
  return found;
}

async function failure(p: Promise<unknown>): Promise<PluginError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PluginError);
  return err as PluginError;
}

describe('an MCP server over stdio', () => {
  let plugin: PluginDefinition;
  const logs: string[] = [];
  beforeAll(async () => {
    const log = (msg: string) => void logs.push(msg);
    plugin = await loadMcpPlugin({ ...stdioConfig(), autoApprove: ['echo'] }, { logger: { debug: log, info: log, warn: log, error: log } });
  }, 30_000);
  afterAll(async () => {
    await plugin?.teardown?.();
  });

  it('becomes a plugin with one bundle mcp-<name> carrying the server version and instructions', () => {
    expect(plugin.name).toBe('mcp-tests');
    expect(plugin.version).toBe('1.2.3');
    expect(plugin.bundles).toHaveLength(1);
    expect(plugin.bundles[0]).toMatchObject({ name: 'mcp-tests', description: TEST_SERVER_INSTRUCTIONS });
  });

  it("lists the server's tools with their JSON Schemas and renames tools function calling cannot name", () => {
    const names = plugin.bundles[0]!.tools.map((t) => t.name);
    expect(names).toEqual(['echo', 'add', 'fail', 'delete_everything', 'ns_dotted', 'crash']);
    const echo = toolInfo(tool(plugin, 'echo'));
    expect(echo).toMatchObject({ description: 'Echoes the message back.', inputSchema: { type: 'object', properties: { message: { type: 'string', description: 'What to echo' } }, required: ['message'] } });
    expect(echo.inputSchema).not.toHaveProperty('$schema');
    expect(logs.some((l) => l.includes('"ns.dotted" is offered as "ns_dotted"'))).toBe(true);
  });

  it('maps annotations: read-only → none, idempotent → idempotent, else external; approval unless read-only or allow-listed in autoApprove', () => {
    expect(toolInfo(tool(plugin, 'add'))).toMatchObject({ sideEffects: 'none', requiresApproval: false });
    expect(toolInfo(tool(plugin, 'ns_dotted'))).toMatchObject({ sideEffects: 'idempotent', requiresApproval: true });
    expect(toolInfo(tool(plugin, 'fail'))).toMatchObject({ requiresApproval: true });
    expect(toolInfo(tool(plugin, 'echo'))).toMatchObject({ sideEffects: 'external', requiresApproval: false });
    expect(toolInfo(tool(plugin, 'delete_everything'))).toMatchObject({ sideEffects: 'external', requiresApproval: true });
  });

  it("returns a call's text content", async () => {
    const result = await runTool(tool(plugin, 'echo'), { message: 'hello' }, createMemoryToolContext());
    expect(result).toEqual({ ok: true, output: 'echo: hello' });
  });

  it('calls a renamed tool by its name on the server', async () => {
    const result = await runTool(tool(plugin, 'ns_dotted'), {}, createMemoryToolContext());
    expect(result).toEqual({ ok: true, output: 'dotted ok' });
  });

  it('returns structured content when the server sends it', async () => {
    const result = await runTool(tool(plugin, 'add'), { a: 2, b: 40 }, createMemoryToolContext());
    expect(result).toEqual({ ok: true, output: { sum: 42 } });
  });

  it("turns an isError result into a ToolError carrying the server's text", async () => {
    const result = await runTool(tool(plugin, 'fail'), { why: 'no reason' }, createMemoryToolContext());
    expect(result).toEqual({ ok: false, error: { code: 'tool_failed', toolCode: 'mcp_tool_error', retryable: false, message: 'cannot do that: no reason' } });
  });

  it('checks arguments against the server schema before calling it', async () => {
    const result = await runTool(tool(plugin, 'echo'), { message: 7 }, createMemoryToolContext());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.message).toMatch(/message/);
    }
  });

  it('reconnects on the next call after the server process died', async () => {
    expect(await runTool(tool(plugin, 'crash'), {}, createMemoryToolContext())).toEqual({ ok: true, output: 'bye' });
    const until = Date.now() + 10_000;
    while (!logs.some((l) => l.includes('connection closed')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const result = await runTool(tool(plugin, 'echo'), { message: 'again' }, createMemoryToolContext());
    expect(result).toEqual({ ok: true, output: 'echo: again' });
  }, 30_000);

  it("forwards the server's stderr lines to the logger", () => {
    expect(logs.some((l) => l.includes('test-server: starting on stdio'))).toBe(true);
  });
});

describe('an MCP server over streamable HTTP', () => {
  let http: Awaited<ReturnType<typeof startHttpTestServer>>;
  let plugin: PluginDefinition;
  beforeAll(async () => {
    http = await startHttpTestServer();
    plugin = await loadMcpPlugin({ name: 'web', url: http.url, headers: { 'x-test-token': 'letmein' } });
  });
  afterAll(async () => {
    await plugin?.teardown?.();
    await http?.close();
  });

  it('lists the tools and answers calls', async () => {
    expect(plugin.bundles[0]!.name).toBe('mcp-web');
    expect(plugin.bundles[0]!.tools.map((t) => t.name)).toContain('echo');
    expect(await runTool(tool(plugin, 'echo'), { message: 'over http' }, createMemoryToolContext())).toEqual({ ok: true, output: 'echo: over http' });
    expect(await runTool(tool(plugin, 'add'), { a: 1, b: 2 }, createMemoryToolContext())).toEqual({ ok: true, output: { sum: 3 } });
  });

  it('sends the configured headers with every request', () => {
    const posts = http.requests.filter((h) => h['content-type']?.includes('application/json'));
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((h) => h['x-test-token'] === 'letmein')).toBe(true);
  });

  it('refuses calls after teardown with a clear error', async () => {
    const own = await loadMcpPlugin({ name: 'short', url: http.url });
    await own.teardown?.();
    const result = await runTool(tool(own, 'echo'), { message: 'x' }, createMemoryToolContext());
    expect(result).toMatchObject({ ok: false, error: { toolCode: 'mcp_unavailable', message: expect.stringContaining('shut down') } });
  });
});

describe('a server that cannot start', () => {
  it('fails with an error naming the server and the missing command', async () => {
    const err = await failure(loadMcpPlugin({ name: 'ghost', command: '/nonexistent/aime-no-such-server' }));
    expect(err.code).toBe('mcp_start_failed');
    expect(err.message).toContain('MCP server "ghost"');
    expect(err.message).toContain('/nonexistent/aime-no-such-server');
    expect(err.message).toMatch(/ENOENT/);
  });

  it("quotes the stderr of a server that exits at start-up", async () => {
    const err = await failure(
      loadMcpPlugin({ name: 'broken', command: process.execPath, args: ['-e', "console.error('boom: WEATHER_API_KEY is not set'); process.exit(1)"] }, { timeoutMs: 5_000 }),
    );
    expect(err.code).toBe('mcp_start_failed');
    expect(err.message).toContain('MCP server "broken"');
    expect(err.message).toContain('boom: WEATHER_API_KEY is not set');
  });

  it('fails with the address when nothing listens at the URL, without the headers', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as { port: number };
        srv.close(() => resolve(p));
      });
    });
    const err = await failure(loadMcpPlugin({ name: 'nowhere', url: `http://127.0.0.1:${port}/mcp`, headers: { authorization: 'Bearer s3cret' } }, { timeoutMs: 5_000 }));
    expect(err.code).toBe('mcp_start_failed');
    expect(err.message).toContain(`MCP server "nowhere" (http://127.0.0.1:${port}/mcp)`);
    expect(err.message).not.toContain('s3cret');
  });

  it('refuses an invalid config before starting anything', async () => {
    const err = await failure(loadMcpPlugin({ name: 'has spaces', command: 'x' }));
    expect(err.code).toBe('invalid_mcp_server');
    expect(err.message).toContain('has spaces');
    expect(err.message).toMatch(/name/);
  });
});

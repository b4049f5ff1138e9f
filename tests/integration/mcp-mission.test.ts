import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAll } from '@aime/aime';
import { loadConfig } from '@aime/actors';
import { loadMcpPlugin } from '@aime/mcp';
import type { PluginDefinition } from '@aime/plugin-sdk';
import travel from '@aime/plugin-travel';
import type { Bundle, Event } from '@aime/protocol';
import hello from '../../docs/examples/hello-plugin/index.ts';
import { ranOk, toolSteps } from '../helpers/approval-checks.ts';
import { REDIS_URL, startStack, withHelpers, type TestStack } from '../helpers/stack.ts';

const require = createRequire(import.meta.url);
const sdkModule = (path: string) => pathToFileURL(require.resolve(`@modelcontextprotocol/sdk/${path}`)).href;

/**
 * An MCP server built with the SDK, as a plain script in a temporary folder (outside the
 * repository, so it imports the SDK by absolute URL). It logs every call to `calls.log`, which
 * proves the observation came from the server.
 */
const SERVER_SCRIPT = `
import { appendFileSync } from 'node:fs';
import { McpServer } from '${sdkModule('server/mcp.js')}';
import { StdioServerTransport } from '${sdkModule('server/stdio.js')}';
import { z } from '${pathToFileURL(require.resolve('zod')).href}';

const server = new McpServer({ name: 'echo-server', version: '2.0.0' }, { instructions: 'Echoes messages back (echo).' });
server.registerTool('echo', { description: 'Echoes the message back.', inputSchema: { message: z.string() } }, async ({ message }) => {
  appendFileSync(new URL('./calls.log', import.meta.url), JSON.stringify({ message }) + '\\n');
  return { content: [{ type: 'text', text: 'the MCP server echoes: ' + message }] };
});
await server.connect(new StdioServerTransport());
`;

let dir: string;
let mcp: PluginDefinition;
let stack: TestStack;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aime-mcp-'));
  await writeFile(join(dir, 'server.mjs'), SERVER_SCRIPT);
  // The echo tool has no readOnlyHint, so it would wait for an operator: allow-listed explicitly.
  mcp = await loadMcpPlugin({ name: 'echo', command: process.execPath, args: [join(dir, 'server.mjs')], autoApprove: ['echo'] });
  stack = await startStack({ plugins: [travel, hello, mcp] });
});
afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

const stepsOf = (events: Event[], tool: string) => ranOk(events, tool).map((e) => ({ args: e.data.toolCall?.args, observation: e.data.observation ?? '' }));

describe('tools from plugins in a mission', () => {
  it('lists the MCP server as a bundle served by a live worker', async () => {
    const res = await stack.api<{ bundles: Bundle[] }>('/v1/tools');
    const bundle = res.body.bundles.find((b) => b.name === 'mcp-echo');
    expect(bundle).toMatchObject({ description: 'Echoes messages back (echo).', workers: 1, tools: [{ name: 'echo', sideEffects: 'external', requiresApproval: false }] });
    expect(bundle?.tools[0]?.inputSchema).toMatchObject({ type: 'object', properties: { message: { type: 'string' } }, required: ['message'] });
  });

  it('an MCP server started by the test serves a tool call in a mission', async () => {
    const id = await stack.submit({ goal: 'Call `echo` with {"message":"hello from aime"}' });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 60_000);
    expect(mission.status).toBe('succeeded');

    const events = await stack.events(id);
    const calls = stepsOf(events, 'echo');
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(c.args).toEqual({ message: 'hello from aime' });
      expect(c.observation).toBe('the MCP server echoes: hello from aime');
    }
    const served = (await readFile(join(dir, 'calls.log'), 'utf8')).trim().split('\n');
    expect(served.length).toBeGreaterThanOrEqual(calls.length);
    expect(served.every((line) => line === '{"message":"hello from aime"}')).toBe(true);

    const spawned = events.filter((e) => e.type === 'actor.spawned');
    expect(spawned.some((e) => JSON.stringify(e.data).includes('mcp-echo'))).toBe(true);
    const reports = events.filter((e) => e.type === 'actor.reported').map((e) => JSON.stringify(e.data));
    expect(reports.some((r) => r.includes('the MCP server echoes: hello from aime'))).toBe(true);
  });

  it("the guide's example plugin serves a tool call in a mission", async () => {
    const id = await stack.submit({ goal: 'Call `translate_phrase` with {"phrase":"thank you","language":"ko"}' });
    const mission = await stack.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 60_000);
    expect(mission.status).toBe('succeeded');
    const calls = stepsOf(await stack.events(id), 'translate_phrase');
    expect(calls.length).toBeGreaterThan(0);
    expect(JSON.parse(calls[0]!.observation)).toEqual({ phrase: 'thank you', language: 'ko', text: '감사합니다', romanized: 'gamsahamnida' });
    expect(toolSteps(await stack.events(id), 'echo')).toHaveLength(0);
  });
});

describe('plugins and MCP servers from aime.config.json', () => {
  it('loads the builtin plugin with its config and the MCP server (autoApprove read from the entry; http_post needs approval), advertises both, and serves a call', async () => {
    await writeFile(
      join(dir, 'aime.config.json'),
      JSON.stringify({
        plugins: [{ module: '@aime/plugin-builtin', config: { http: { allowHosts: ['127.0.0.1'] } } }],
        mcpServers: [{ name: 'from-config', command: process.execPath, args: ['server.mjs'], cwd: '.', autoApprove: ['echo'] }],
      }),
    );
    const prefix = `test-${randomUUID()}:`;
    const app = await startAll({
      redisUrl: REDIS_URL,
      prefix,
      port: 0,
      dashboardDir: null,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      config: await loadConfig({ cwd: dir, env: {} }),
    });
    const configured = withHelpers(app, prefix);
    try {
      const tools = await configured.api<{ bundles: Bundle[] }>('/v1/tools');
      expect(tools.body.bundles.map((b) => b.name).sort()).toEqual(['files', 'http', 'math', 'mcp-from-config']);
      const echo = tools.body.bundles.find((b) => b.name === 'mcp-from-config')?.tools.find((t) => t.name === 'echo');
      expect(echo).toMatchObject({ requiresApproval: false });
      const http = tools.body.bundles.find((b) => b.name === 'http')?.tools;
      expect(http?.find((t) => t.name === 'http_post')).toMatchObject({ requiresApproval: true });
      expect(http?.find((t) => t.name === 'http_get')).toMatchObject({ requiresApproval: false });

      const id = await configured.submit({ goal: 'Call `evaluate` with {"expression":"(129000 + 2 * 14170) / 2"}' });
      expect((await configured.waitForStatus(id, ['succeeded', 'failed', 'cancelled'], 60_000)).status).toBe('succeeded');
      const calls = stepsOf(await configured.events(id), 'evaluate');
      expect(calls.length).toBeGreaterThan(0);
      expect(JSON.parse(calls[0]!.observation)).toMatchObject({ result: 78670 });
    } finally {
      await configured.close();
    }
  });
});

import type { Readable } from 'node:stream';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerConfig } from './config.ts';

/** How much of a server's stderr is kept to explain a failed start. */
const STDERR_TAIL_CHARS = 2_000;

/** A transport plus the last lines the server wrote to stderr (stdio only). */
export interface OpenedTransport {
  transport: Transport;
  stderrTail(): string;
}

/**
 * The transport for a server config. A stdio server's stderr is piped, not inherited:
 * its lines go to `onStderr` and the tail explains a crash at start-up.
 */
export function openTransport(server: McpServerConfig, onStderr: (line: string) => void): OpenedTransport {
  if ('url' in server) {
    return {
      transport: new StreamableHTTPClientTransport(new URL(server.url), server.headers ? { requestInit: { headers: server.headers } } : {}),
      stderrTail: () => '',
    };
  }
  const transport = new StdioClientTransport({
    command: server.command,
    ...(server.args ? { args: server.args } : {}),
    ...(server.env ? { env: server.env } : {}),
    ...(server.cwd ? { cwd: server.cwd } : {}),
    stderr: 'pipe',
  });
  let tail = '';
  let partial = '';
  (transport.stderr as Readable | null)?.on('data', (chunk: Buffer | string) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-STDERR_TAIL_CHARS);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onStderr(line);
  });
  return { transport, stderrTail: () => tail.trim() };
}

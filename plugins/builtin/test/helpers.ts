import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PluginDefinition, ToolDefinition } from '@aime/plugin-sdk';

/** A tool of a plugin by name. */
export function toolOf(plugin: PluginDefinition, name: string): ToolDefinition {
  for (const b of plugin.bundles) for (const t of b.tools) if (t.name === name) return t;
  throw new Error(`no tool ${name}`);
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A local HTTP server on 127.0.0.1 with the given routes; records closed-early responses. */
export async function startServer(routes: Record<string, Handler>): Promise<{ port: number; base: string; server: Server; aborted: string[]; close(): Promise<void> }> {
  const aborted: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      res.on('close', () => {
        if (!res.writableFinished) aborted.push(path);
      });
      const handler = routes[path];
      if (!handler) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    server,
    aborted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

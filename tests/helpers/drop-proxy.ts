import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy in front of a server whose open connections a test can cut at will. */
export interface DropProxy {
  /** `http://127.0.0.1:<port>`: use it as the client's URL. */
  url: string;
  /** Destroys every open connection (both sides), as a network failure would. */
  dropAll(): number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startDropProxy(target: string): Promise<DropProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const upstreamHost = `${hostname}:${port}`;
  let ownHost = /^$/;
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    // The server serves only its own Host: each request's Host names the proxy, so say the server's.
    client.on('data', (chunk: Buffer) => upstream.write(chunk.toString('latin1').replace(ownHost, `$1${upstreamHost}`), 'latin1'));
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  ownHost = new RegExp(`(\r\nhost: *)127\\.0\\.0\\.1:${address.port}`, 'gi');
  return {
    url: `http://127.0.0.1:${address.port}`,
    dropAll() {
      const n = open.size;
      for (const s of open) s.destroy();
      return n;
    },
    accepted: () => accepted,
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

import { afterEach, describe, expect, it } from 'vitest';
import { generateOperatorToken } from '../src/api/index.ts';
import { KEYS } from './api-harness.ts';
import { connectClient, openStore, startGateway, type GatewayServerHarness, type RecordingClient, type StoreHarness } from './gateway-harness.ts';

let s: StoreHarness | undefined;
let g: GatewayServerHarness | undefined;
const clients: RecordingClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.disconnect();
  await g?.close();
  await s?.close();
  g = undefined;
  s = undefined;
});

/** Connects and reports how the handshake ended: 'connected' or the server's refusal. */
async function attempt(url: string, token: string | undefined, headers?: Record<string, string>): Promise<string> {
  try {
    clients.push(await connectClient(url, token, headers));
    return 'connected';
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  }
}

describe('socket.io handshake', () => {
  it('refuses a foreign Origin even with a valid key, and accepts the server\'s own origin', async () => {
    s = openStore();
    g = await startGateway(s.store);
    expect(await attempt(g.url, KEYS.operator, { origin: 'http://evil.example' })).toMatch(/^refused/);
    expect(await attempt(g.url, KEYS.operator, { origin: 'null' })).toMatch(/^refused/);
    expect(await attempt(g.url, KEYS.operator, { origin: g.url })).toBe('connected');
  });

  it('refuses a DNS-rebinding Host', async () => {
    s = openStore();
    g = await startGateway(s.store);
    const port = new URL(g.url).port;
    expect(await attempt(g.url, KEYS.operator, { host: `evil.example:${port}` })).toMatch(/^refused/);
    expect(await attempt(g.url, KEYS.operator, { host: `localhost:${port}` })).toBe('connected');
  });

  it('accepts the configured CORS origins', async () => {
    s = openStore();
    g = await startGateway(s.store, { web: { corsOrigins: ['https://app.example'] } });
    expect(await attempt(g.url, KEYS.operator, { origin: 'https://app.example' })).toBe('connected');
  });

  it('in open mode needs the generated operator token, also from loopback', async () => {
    s = openStore();
    const token = generateOperatorToken();
    g = await startGateway(s.store, { apiKeys: '', operatorToken: token });
    expect(await attempt(g.url, undefined)).toMatch(/refused: missing API key/);
    expect(await attempt(g.url, generateOperatorToken())).toMatch(/refused: unknown API key/);
    expect(await attempt(g.url, token)).toBe('connected');
  });
});

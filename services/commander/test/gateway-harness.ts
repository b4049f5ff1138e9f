// Shared setup of the gateway-* tests: real Redis, real HTTP servers, real socket.io clients.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Event, MissionSummary, ServerToClientEvents } from '@aime/protocol';
import { createMissionStore, type MissionStore } from '@aime/store';
import { createAuth, principalOf, type AuthOptions, type WebSecurityOptions } from '../src/api/index.ts';
import { attachGateway, type GatewayHandle } from '../src/gateway/index.ts';
import { API_KEYS, cleanPrefix, MODEL, newPrefix, silent } from './api-harness.ts';
import { DEFAULT_BUDGET } from '@aime/protocol';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface GatewayServerHarness {
  gateway: GatewayHandle;
  url: string;
  close(): Promise<void>;
}

export async function startGateway(
  store: MissionStore,
  opts: Omit<AuthOptions, 'apiKeys'> & { apiKeys?: string; throttleMs?: number; web?: WebSecurityOptions } = {},
): Promise<GatewayServerHarness> {
  const server: HttpServer = createServer();
  const { apiKeys, throttleMs, web, ...authOptions } = opts;
  const gateway = attachGateway(server, {
    store,
    auth: createAuth({ apiKeys: apiKeys ?? API_KEYS, ...authOptions }),
    ...(web ? { web } : {}),
    logger: silent,
    ...(throttleMs !== undefined ? { summaries: { throttleMs } } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    gateway,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A connected client that records every `event` and `mission` message. */
export interface RecordingClient {
  socket: Client;
  events: Event[];
  summaries: MissionSummary[];
  subscribe(missionId: string, after?: string): Promise<{ ok: boolean; error?: { code: string; message: string } }>;
  unsubscribe(missionId: string): Promise<void>;
}

export async function connectClient(url: string, token: string | undefined, extraHeaders?: Record<string, string>): Promise<RecordingClient> {
  const socket: Client = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...(token ? { auth: { token } } : {}), ...(extraHeaders ? { extraHeaders } : {}) });
  const events: Event[] = [];
  const summaries: MissionSummary[] = [];
  socket.on('event', (e) => events.push(e));
  socket.on('mission', (s) => summaries.push(s));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return {
    socket,
    events,
    summaries,
    subscribe: (missionId, after) =>
      new Promise((resolve) => socket.emit('subscribe', after === undefined ? { missionId } : { missionId, after }, (res) => resolve(res))),
    unsubscribe: (missionId) => new Promise((resolve) => socket.emit('unsubscribe', { missionId }, () => resolve())),
  };
}

/** Polls until `check` is true; fails with `what` after a generous bound (not a speed assertion). */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface StoreHarness {
  store: MissionStore;
  prefix: string;
  /** Creates a mission owned by the holder of `key`. */
  mission(ownerKey: string, goal?: string): Promise<string>;
  close(): Promise<void>;
}

export function openStore(prefix = newPrefix()): StoreHarness {
  const store = createMissionStore({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
  return {
    store,
    prefix,
    async mission(ownerKey, goal = 'plan a trip') {
      const { mission } = await store.createMission({ goal, model: MODEL, budget: DEFAULT_BUDGET, owner: principalOf(ownerKey) });
      return mission.id;
    },
    async close() {
      await store.close();
      await cleanPrefix(prefix);
    },
  };
}

export const world = (message: string) => ({ type: 'world.event' as const, data: { source: 'operator' as const, message } });
